# shellcheck shell=bash
# Scenarios: each puts the nodes into one state of the container network and
# waits until that state can be read back through the API.
#
# Every switch follows the same steps, so each state shows only its own symptoms:
#   scale CoreDNS to 0 -> reset node networking to a clean baseline -> configure
#   the nodes for the scenario -> wait for node status/taints -> scale CoreDNS up
#   -> wait until the scenario's state is visible through the API.

SCENARIOS=(step1 ready case-a case-a-invalid-json case-b ipam-exhausted bridge-conflict no-podcidr netfilter mtu proxy-broken)
CNI_CONF_NAME=10-bridge.conflist
COREDNS_REPLICAS=2

scenario_names() { printf '%s\n' "${SCENARIOS[@]}"; }

# ---------- reading state through the API ----------
nodes_json() { kc get nodes -l '!netcheck-lab/scale' -o json; }
node_pod_cidr() { kc get node "$1" -o jsonpath='{.spec.podCIDR}'; }
coredns_pods_json() { kc -n kube-system get pods -l k8s-app=kube-dns -o json; }

# all_nodes_ready STATUS [MESSAGE_PART]: every lab node has Ready=STATUS (and the message contains MESSAGE_PART)
all_nodes_ready() {
  nodes_json | jq -e --arg s "$1" --arg m "${2:-}" '
    (.items | length) > 0 and
    ([.items[] | .status.conditions[] | select(.type == "Ready") | (.status == $s and (.message | contains($m)))] | all)'
}
# not_ready_taint_on_all_nodes true|false
not_ready_taint_on_all_nodes() {
  nodes_json | jq -e --argjson want "$1" '
    [.items[] | ([.spec.taints[]? | select(.key == "node.kubernetes.io/not-ready")] | length > 0) == $want] | all'
}
node_ready_is() {
  kc get node "$1" -o json | jq -e --arg s "$2" '.status.conditions[] | select(.type == "Ready") | .status == $s'
}

# coredns_events REASON MESSAGE_PART: events of the current CoreDNS pods
coredns_event_count() {
  local uids; uids=$(coredns_pods_json | jq -c '[.items[].metadata.uid]')
  kc -n kube-system get events -o json | jq -e --argjson uids "$uids" --arg r "$1" --arg m "$2" '
    [.items[] | select(.involvedObject.kind == "Pod" and (.involvedObject.uid as $u | $uids | index($u)) and
                       .reason == $r and (.message | contains($m)))] | length' 2>/dev/null || echo 0
}
coredns_has_event() { (( $(coredns_event_count "$1" "$2") > 0 )); }

coredns_pods_count_is() { coredns_pods_json | jq -e --argjson n "$1" '(.items | length) == $n'; }
coredns_pods_pending_unscheduled() {
  coredns_pods_json | jq -e --argjson n "$COREDNS_REPLICAS" '
    (.items | length) == $n and ([.items[] | .status.phase == "Pending" and (.spec.nodeName // "") == ""] | all)'
}
coredns_pods_container_creating() {
  coredns_pods_json | jq -e '(.items | length) > 0 and ([.items[] | select(.spec.nodeName != null) |
    .status.containerStatuses[0].state.waiting.reason == "ContainerCreating"] | any)'
}
coredns_pods_running_ready() {
  coredns_pods_json | jq -e --argjson n "$COREDNS_REPLICAS" '
    (.items | length) == $n and ([.items[] | .status.phase == "Running" and
      ([.status.conditions[]? | select(.type == "Ready") | .status == "True"] | any)] | all)'
}
coredns_pods_running_not_ready() {
  coredns_pods_json | jq -e --argjson n "$COREDNS_REPLICAS" '
    (.items | length) == $n and ([.items[] | .status.phase == "Running" and .status.containerStatuses[0].started == true and
      ([.status.conditions[]? | select(.type == "Ready") | .status == "False"] | any)] | all)'
}
coredns_pods_spread_on_workers() {
  local workers; workers=$(worker_count)
  coredns_pods_json | jq -e --arg m "$MASTER_NAME" --argjson w "$workers" '
    [.items[].spec.nodeName] as $n | ($n | index($m)) == null and
    (if $w >= 2 then ($n | unique | length) == ($n | length) else true end)'
}
kube_proxy_running_everywhere() {
  local n; n=$(( $(worker_count) + 1 ))
  kc -n kube-system get pods -l k8s-app=kube-proxy -o json | jq -e --argjson n "$n" '
    ([.items[] | select(.status.phase == "Running" and .status.containerStatuses[0].ready == true)] | length) == $n'
}
kube_proxy_crashlooping() {
  kc -n kube-system get pods -l k8s-app=kube-proxy -o json | jq -e '
    (.items | length) > 0 and ([.items[] | (.status.containerStatuses[0].state.waiting.reason // "") == "CrashLoopBackOff"
      or (.status.containerStatuses[0].lastState.terminated.exitCode // 0) != 0] | all)'
}
control_plane_running() {
  kc -n kube-system get pods -l tier=control-plane -o json | jq -e '
    (.items | length) == 4 and ([.items[] | .status.phase == "Running"] | all)'
}

# cross_node_pod_http FROM_POD TO_IP: HTTP from one pod to another pod's :8181/ready
pod_http_get() { kc -n kube-system exec "$1" -- timeout 3 wget -qO- "http://$2:8181/ready" 2>/dev/null | grep -q ok; }
# coredns_cross_node_pairs: "fromPod toIP" for pods on different nodes
coredns_cross_node_pairs() {
  coredns_pods_json | jq -r '[.items[] | select(.status.podIP != null)] as $p |
    [$p[] as $a | $p[] as $b | select($a.spec.nodeName != $b.spec.nodeName) | "\($a.metadata.name) \($b.status.podIP)"] | .[]'
}
cross_node_pod_traffic_works() {
  local pairs; pairs=$(coredns_cross_node_pairs)
  [[ -n $pairs ]] || return 0   # one worker: nothing crosses nodes
  local from to
  while read -r from to; do pod_http_get "$from" "$to" || return 1; done <<< "$pairs"
}
cross_node_pod_traffic_fails() {
  local pairs; pairs=$(coredns_cross_node_pairs)
  [[ -n $pairs ]] || return 1
  local from to
  while read -r from to; do pod_http_get "$from" "$to" && return 1; done <<< "$pairs"
  return 0
}

# ---------- the workload ----------
coredns_scale() { kc -n kube-system scale deployment coredns --replicas="$1" >/dev/null; }
coredns_scale_to_zero() {
  coredns_scale 0
  local deadline=$((SECONDS + 15))
  while ! coredns_pods_count_is 0 >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "force-deleting CoreDNS pods still terminating"
      kc -n kube-system delete pods -l k8s-app=kube-dns --grace-period=0 --force >/dev/null 2>&1 || true
      deadline=$((SECONDS + 30))
    fi
    sleep 1
  done
}

# ---------- node networking ----------
node_cni_dir() { echo "$(node_dir "$1")/cni-net.d"; }
write_node_cni_file() {  # NODE FILE_NAME CONTENT
  local dir; dir=$(node_cni_dir "$1")
  printf '%s\n' "$3" > "$dir/.$2.tmp"
  mv "$dir/.$2.tmp" "$dir/$2"
}
# bridge_conflist SUBNET [MTU] [RANGE_START RANGE_END]
bridge_conflist() {
  jq -n --arg subnet "$1" --arg mtu "${2:-}" --arg rs "${3:-}" --arg re "${4:-}" '{
    cniVersion: "0.4.0", name: "netcheck-lab",
    plugins: [
      ({type: "bridge", bridge: "cni0", isGateway: true, ipMasq: true, hairpinMode: true,
        ipam: {type: "host-local",
               ranges: [[({subnet: $subnet} + (if $rs != "" then {rangeStart: $rs, rangeEnd: $re} else {} end))]],
               routes: [{dst: "0.0.0.0/0"}]}}
       + (if $mtu != "" then {mtu: ($mtu | tonumber)} else {} end)),
      {type: "portmap", capabilities: {portMappings: true}}
    ]}'
}
flannel_conflist() {
  jq -n '{name: "cbr0", cniVersion: "0.3.1", plugins: [
    {type: "flannel", delegate: {hairpinMode: true, isDefaultGateway: true}},
    {type: "portmap", capabilities: {portMappings: true}}]}'
}
write_bridge_config_all_nodes() {  # [MTU]
  local name cidr
  for name in $(node_names); do
    cidr=$(node_pod_cidr "$name")
    [[ -n $cidr ]] || { log "node $name has no podCIDR: no CNI config written for it"; continue; }
    write_node_cni_file "$name" "$CNI_CONF_NAME" "$(bridge_conflist "$cidr" "${1:-}")"
  done
}
add_pod_routes_between_nodes() {  # [ROUTE_MTU]
  local name other cidr mtu_opt=()
  [[ -n ${1:-} ]] && mtu_opt=(mtu "$1")
  for name in $(node_names); do
    for other in $(node_names); do
      [[ $name == "$other" ]] && continue
      cidr=$(node_pod_cidr "$other")
      [[ -n $cidr ]] || continue
      ip -n "$(node_netns "$name")" route replace "$cidr" via "$(node_ip "$other")" dev eth0 proto static "${mtu_opt[@]}"
    done
  done
}
remove_lab_iptables_rules() {  # NODE
  local rule
  local rules
  rules=$(in_node_net "$1" iptables -S 2>/dev/null | grep -- "--comment $IPTABLES_COMMENT" | sed 's/^-A /-D /' || true)
  while read -r rule; do
    # shellcheck disable=SC2086
    if [[ -n $rule ]]; then in_node_net "$1" iptables $rule || true; fi
  done <<< "$rules"
}
reset_node_networking() {  # NODE: back to "no CNI config, nothing extra"
  local name=$1 ns; ns=$(node_netns "$1")
  rm -f "$(node_cni_dir "$name")"/*
  ip -n "$ns" route flush proto static 2>/dev/null || true
  remove_lab_iptables_rules "$name"
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 || true
  ip -n "$ns" link set eth0 mtu 1500
  ip -n "$ns" link del cni0 2>/dev/null || true
  rm -rf "$(node_dir "$name")"/var-lib-cni/networks/*
}
reset_cluster_extras() {
  if [[ -f $LAB_STATE/kube-proxy-broken ]]; then
    kube_proxy_daemonset_yaml false | kc apply -f - >/dev/null
    rm -f "$LAB_STATE/kube-proxy-broken"
  fi
  if [[ -f $LAB_STATE/no-podcidr ]]; then
    restore_pod_cidr_allocation
  fi
}

# all_nodes_ready_since EPOCH: every node's Ready is True as the kubelet saw it after EPOCH (when
# the CNI config was written): it turned True after EPOCH, or was posted 6 s after it (the kubelet
# samples the runtime's network status every 5 s). A Ready from before can be stale: the kubelet
# may still turn the node NotReady for the config it lost at the reset.
all_nodes_ready_since() {
  nodes_json | jq -e --argjson since "$1" '
    (.items | length) > 0 and
    ([.items[] | .status.conditions[] | select(.type == "Ready") | .status == "True" and
      ((.lastTransitionTime | fromdateiso8601) >= $since or (.lastHeartbeatTime | fromdateiso8601) >= $since + 6)] | all)'
}
wait_nodes_ready_settled() {
  local since=$(( $(date +%s) - 1 ))  # the config was written just before this call
  wait_until 60 "all nodes Ready, as the kubelets saw the new CNI config" all_nodes_ready_since "$since" && \
    wait_until 30 "not-ready taints removed" not_ready_taint_on_all_nodes false
}
wait_nodes_not_ready_settled() {
  wait_until 60 "all nodes NotReady (cni plugin not initialized)" all_nodes_ready False "cni plugin not initialized" && \
    wait_until 30 "not-ready taints on all nodes" not_ready_taint_on_all_nodes true
}

# ---------- scenarios ----------
scenario_step1() {
  wait_nodes_not_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Pending" coredns_pods_pending_unscheduled || return 1
  wait_until 30 "FailedScheduling on the not-ready taint" \
    coredns_has_event FailedScheduling "node(s) had taint {node.kubernetes.io/not-ready: }" || return 1
  wait_until 60 "kube-proxy Running on every node" kube_proxy_running_everywhere || return 1
  wait_until 30 "control plane Running" control_plane_running
}

scenario_ready() {
  write_bridge_config_all_nodes
  add_pod_routes_between_nodes
  wait_nodes_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Running and Ready" coredns_pods_running_ready || return 1
  wait_until 10 "CoreDNS spread on the workers" coredns_pods_spread_on_workers || return 1
  # After proxy-broken the DaemonSet's pods are replaced; ready means they run again.
  wait_until 60 "kube-proxy Running on every node" kube_proxy_running_everywhere || return 1
  wait_until 20 "cross-node pod-to-pod traffic" cross_node_pod_traffic_works || return 1
  holds_for 6 "all nodes Ready" all_nodes_ready True
}

scenario_case_a() {
  local name
  for name in $(node_names); do write_node_cni_file "$name" 10-flannel.conflist "$(flannel_conflist)"; done
  wait_nodes_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "FailedCreatePodSandBox (flannel plugin missing)" \
    coredns_has_event FailedCreatePodSandBox 'failed to find plugin "flannel"' || return 1
  wait_until 20 "CoreDNS ContainerCreating" coredns_pods_container_creating
}

scenario_case_a_invalid_json() {
  local name cidr
  INVALID_JSON_LOG_OFFSET=$(stat -c %s "$(node_dir "$MASTER_NAME")/var-log/containerd.log")
  for name in $(node_names); do
    cidr=$(node_pod_cidr "$name")
    # the conflist cut off mid-file, as an interrupted write leaves it
    write_node_cni_file "$name" "$CNI_CONF_NAME" "$(bridge_conflist "${cidr:-10.244.0.0/24}" | head -c 120)"
  done
  wait_nodes_not_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Pending" coredns_pods_pending_unscheduled || return 1
  wait_until 30 "containerd logs the JSON error" containerd_logged_json_error
}
containerd_logged_json_error() {  # since the scenario started
  tail -c +"$((INVALID_JSON_LOG_OFFSET + 1))" "$(node_dir "$MASTER_NAME")/var-log/containerd.log" | \
    grep -c "error parsing configuration list" >/dev/null
}

scenario_case_b() {
  write_bridge_config_all_nodes
  add_pod_routes_between_nodes
  local name
  for name in $(worker_names); do
    # node-to-pod traffic dropped: the kubelet's probes leave the node through cni0
    in_node_net "$name" iptables -I OUTPUT -o cni0 -m comment --comment "$IPTABLES_COMMENT" -j DROP
  done
  wait_nodes_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Running but not Ready" coredns_pods_running_not_ready || return 1
  wait_until 30 "Readiness probe failed events" coredns_has_event Unhealthy "Readiness probe failed"
}

scenario_ipam_exhausted() {
  # host-local range of one address per node, and more replicas than addresses
  local name cidr base
  for name in $(node_names); do
    cidr=$(node_pod_cidr "$name"); base=${cidr%.*}
    write_node_cni_file "$name" "$CNI_CONF_NAME" "$(bridge_conflist "$cidr" "" "$base.2" "$base.2")"
  done
  add_pod_routes_between_nodes
  wait_nodes_ready_settled || return 1
  COREDNS_REPLICAS=$(( 2 * $(worker_count) ))
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "FailedCreatePodSandBox (no IP addresses available)" \
    coredns_has_event FailedCreatePodSandBox "no IP addresses available in range set"
}

scenario_bridge_conflict() {
  # cni0 left over with an address from another network (e.g. an earlier CNI's subnet)
  local name
  for name in $(worker_names); do
    ip -n "$(node_netns "$name")" link add cni0 type bridge
    ip -n "$(node_netns "$name")" addr add "10.88.0.1/16" dev cni0
    ip -n "$(node_netns "$name")" link set cni0 up
  done
  write_bridge_config_all_nodes
  add_pod_routes_between_nodes
  wait_nodes_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "FailedCreatePodSandBox (cni0 has a different address)" \
    coredns_has_event FailedCreatePodSandBox "already has an IP address different from"
}

require_two_workers() {
  (( $(worker_count) >= 2 )) || { log "scenario $1 needs pods on two workers: bring the lab up with --nodes 2 or more"; return 1; }
}

scenario_netfilter() {
  require_two_workers netfilter || return 1
  # forwarding switched off on the workers after the pods came up (a sysctl reset):
  # probes (local) still pass, pod traffic between nodes is dropped.
  scenario_ready || return 1
  local name
  for name in $(worker_names); do
    ip netns exec "$(node_netns "$name")" sysctl -qw net.ipv4.ip_forward=0 net.bridge.bridge-nf-call-iptables=0
  done
  wait_until 30 "cross-node pod traffic failing" cross_node_pod_traffic_fails
}

scenario_mtu() {
  require_two_workers mtu || return 1
  # Pods get MTU 9000 from the CNI config and the routes to the other nodes' pod CIDRs say 9000
  # (as if the underlay carried jumbo frames), but the underlay links carry 1500: small packets
  # between pods on different nodes pass, large ones are dropped without any ICMP error.
  write_bridge_config_all_nodes 9000
  add_pod_routes_between_nodes 9000
  wait_nodes_ready_settled || return 1
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Running and Ready" coredns_pods_running_ready || return 1
  wait_until 30 "large cross-node packets dropped" mtu_large_packets_dropped
}
mtu_large_packets_dropped() {
  local pairs from to; pairs=$(coredns_cross_node_pairs)
  [[ -n $pairs ]] || return 1
  read -r from to <<< "$(head -n1 <<< "$pairs")"
  kc -n kube-system exec "$from" -- ping -c1 -W2 -s 100 "$to" >/dev/null 2>&1 || return 1
  ! kc -n kube-system exec "$from" -- ping -c1 -W2 -s 4000 "$to" >/dev/null 2>&1
}

scenario_proxy_broken() {
  scenario_ready || return 1
  kube_proxy_daemonset_yaml true | kc apply -f - >/dev/null
  touch "$LAB_STATE/kube-proxy-broken"
  wait_until 60 "kube-proxy crash-looping" kube_proxy_crashlooping
}

# The last worker registers while kube-controller-manager runs without --allocate-node-cidrs:
# it never gets spec.podCIDR, so nothing writes its CNI config and it stays NotReady.
no_podcidr_node() { worker_names | tail -n1; }
scenario_no_podcidr() {
  local victim; victim=$(no_podcidr_node)
  touch "$LAB_STATE/no-podcidr"
  write_controller_manager_manifest false
  wait_until 60 "kube-controller-manager restarted without --allocate-node-cidrs" controller_manager_allocates false || return 1
  log "re-registering $victim while no pod CIDRs are allocated"
  restart_kubelet_with_fresh_node_object "$victim"
  wait_until 60 "$victim registered without a podCIDR" node_registered_without_pod_cidr "$victim" || return 1
  write_bridge_config_all_nodes
  add_pod_routes_between_nodes
  wait_until 60 "$victim NotReady" node_ready_is "$victim" False || return 1
  local name
  for name in $(node_names); do
    [[ $name == "$victim" ]] && continue
    wait_until 60 "$name Ready" node_ready_is "$name" True || return 1
  done
  coredns_scale "$COREDNS_REPLICAS"
  wait_until 60 "CoreDNS Running and Ready" coredns_pods_running_ready
}
controller_manager_allocates() {  # true|false: the running kube-controller-manager mirror pod has --allocate-node-cidrs
  kc -n kube-system get pod "kube-controller-manager-$MASTER_NAME" -o json | jq -e --argjson want "$1" '
    (.spec.containers[0].command | index("--allocate-node-cidrs=true") != null) == $want and
    .status.phase == "Running" and ([.status.containerStatuses[]?.ready] | all)'
}
node_registered_without_pod_cidr() {
  kc get node "$1" -o json | jq -e '(.spec.podCIDR // "") == ""'
}
node_has_pod_cidr() {
  kc get node "$1" -o json | jq -e '(.spec.podCIDR // "") != ""'
}
restart_kubelet_with_fresh_node_object() {
  local name=$1
  in_node "$name" pkill -x kubelet || true
  wait_until 20 "kubelet on $name stopped" bash -c "! nsenter -t $(node_pid "$name") -p -m -- pgrep -x kubelet"
  kc delete node "$name" --wait=true >/dev/null
  in_node "$name" setsid sh -c "'$LAB_BIN/kubelet' \$(cat /etc/kubernetes/kubelet.flags) >> /var/log/kubelet.log 2>&1 < /dev/null &" 9>&-
}
restore_pod_cidr_allocation() {
  local victim; victim=$(no_podcidr_node)
  write_controller_manager_manifest true
  wait_until 60 "kube-controller-manager restarted with --allocate-node-cidrs" controller_manager_allocates true || return 1
  wait_until 30 "$victim gets a podCIDR" node_has_pod_cidr "$victim" || return 1
  rm -f "$LAB_STATE/no-podcidr"
}

# archive_node_logs SCENARIO: moves each node's kubelet.log/containerd.log content to
# /var/lib/netcheck-lab/nodes/NAME/log-archive/ (outside the node's view), so the logs on the
# node show only the new scenario. The daemons append (O_APPEND), so truncating is safe.
# NETCHECK_LAB_KEEP_LOGS=1 keeps the whole history in place instead.
archive_node_logs() {
  [[ ${NETCHECK_LAB_KEEP_LOGS:-0} == 1 ]] && return 0
  local name log dir stamp; stamp=$(date +%H%M%S)-before-$1
  for name in $(node_names); do
    dir=$(node_dir "$name")
    mkdir -p "$dir/log-archive"
    for log in kubelet.log containerd.log; do
      [[ -s $dir/var-log/$log ]] || continue
      cp "$dir/var-log/$log" "$dir/log-archive/$log.$stamp"
      : > "$dir/var-log/$log"
    done
  done
}

# ---------- entry ----------
cmd_scenario() {
  local name=$1
  scenario_names | grep -qx -- "$name" || die "unknown scenario '$name' (one of: $(scenario_names | tr '\n' ' '))"
  [[ -d $NODES_DIR ]] || die "the lab is down; run: lab.sh up"
  local start=$SECONDS
  log "scenario $name: scaling CoreDNS to 0 and resetting node networking"
  wait_until 60 "kube-apiserver" apiserver_ready || die "kube-apiserver is not answering"
  coredns_scale_to_zero
  reset_cluster_extras
  local node
  for node in $(node_names); do reset_node_networking "$node"; done
  rm -f "$LAB_STATE/scenario"
  archive_node_logs "$name"
  log "scenario $name: configuring"
  if ! "scenario_${name//-/_}"; then
    die "scenario $name was NOT reached after $((SECONDS - start))s (see: lab.sh status)"
  fi
  echo "$name" > "$LAB_STATE/scenario"
  log "scenario $name reached in $((SECONDS - start))s"
}

# ---------- scale: API-only objects ----------
cmd_scale() {
  local action=add
  [[ ${1:-} == --remove ]] && action=remove
  [[ -d $NODES_DIR ]] || die "the lab is down; run: lab.sh up"
  command -v node >/dev/null || die "scale needs Node.js (node) on PATH"
  local start=$SECONDS
  env -u NODE_EXTRA_CA_CERTS node "$LAB_SCRIPTS/scale.mjs" "$action" --server "https://$MASTER_IP:6443" \
    --ca "$PKI_DIR/ca.crt" --cert "$PKI_DIR/users/admin.crt" --key "$PKI_DIR/users/admin.key"
  if [[ $action == add ]]; then touch "$LAB_STATE/scale"; else rm -f "$LAB_STATE/scale"; fi
  log "scale $action done in $((SECONDS - start))s"
}
