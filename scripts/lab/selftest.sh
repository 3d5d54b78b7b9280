#!/usr/bin/env bash
# Acceptance test of the lab. Brings the lab up, checks it, walks every scenario,
# brings it down and checks that nothing is left. Exits non-zero on any failure.
#   usage: selftest.sh [--no-up] [--keep] [--no-scale] [--scenarios "a b c"] [--nodes N]
set -euo pipefail

LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$LAB_SCRIPTS/lib/common.sh"
LAB="bash $LAB_SCRIPTS/lab.sh"
SSH_CONFIG=$SSH_DIR/config
DO_UP=1 KEEP=0 WORKERS=2 DO_SCALE=1
SCENARIO_LIST="step1 ready case-a case-a-invalid-json case-b ipam-exhausted bridge-conflict no-podcidr netfilter mtu proxy-broken ready"
while (($#)); do
  case $1 in
    --no-up) DO_UP=0; shift ;;
    --keep) KEEP=1; shift ;;
    --scenarios) SCENARIO_LIST=$2; shift 2 ;;
    --nodes) WORKERS=$2; shift 2 ;;
    --no-scale) DO_SCALE=0; shift ;;
    *) echo "usage: selftest.sh [--no-up] [--keep] [--no-scale] [--scenarios LIST] [--nodes N]" >&2; exit 2 ;;
  esac
done

FAILURES=0
# Wall times are figures, not pass/fail limits (a loaded machine is slower, not broken): they are
# reported in the summary beside the goals. Only a hang guard, several times the usual time, fails.
SCENARIO_GOAL_S=90 SCENARIO_HANG_GUARD_S=${SCENARIO_HANG_GUARD_S:-450}
SCALE_GOAL_S=120 SCALE_HANG_GUARD_S=${SCALE_HANG_GUARD_S:-600}
TIMES=()
record_time() {  # record_time WHAT SECONDS GOAL
  local mark="within goal"; (($2 > $3)) && mark="over the ${3}s goal (reported, not a failure)"
  TIMES+=("$(printf 'TIME  %-28s %5ss  %s' "$1" "$2" "$mark")")
}
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; FAILURES=$((FAILURES + 1)); }
check() {  # check DESCRIPTION CMD...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
kcx() { kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"; }
lab_ssh() { ssh -F "$SSH_CONFIG" -o BatchMode=yes -o StrictHostKeyChecking=yes "$@"; }

# ---- host snapshots, compared after `down` ----
# Only what the lab could have touched is compared (other tests on this machine make their own
# namespaces and links at the same time).
LAB_PATTERN="nclab|netcheck-lab|172\.30\.99\.|10\.244\.|10\.96\.|KUBE-|CNI-"
host_snapshot() {
  {
    echo "## routes"; ip route show table all | grep -E "$LAB_PATTERN" || true
    echo "## links"; ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "$LAB_PATTERN|^cni0$" || true
    echo "## netns"; ip netns list 2>/dev/null | awk '{print $1}' | grep -E "$LAB_PATTERN" || true
    echo "## iptables"; { iptables-save 2>/dev/null; iptables-legacy-save 2>/dev/null; } | grep -E "$LAB_PATTERN" || true
    echo "## mounts"; findmnt -rn -o TARGET | grep -E "$LAB_PATTERN|^/run/netns$|^/etc/kubernetes|^/var/lib/kubelet|^/etc/cni|^/opt/cni" || true
    echo "## dirs"; ls -d /etc/kubernetes /etc/cni /opt/cni /var/lib/kubelet /var/lib/cni 2>/dev/null || true
    echo "## cgroups"; ls -d /sys/fs/cgroup/*/"$CGROUP_PREFIX"* 2>/dev/null || true
    echo "## sysctls"; sysctl vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes net.ipv4.ip_forward
  }
}
lab_processes() {
  pgrep -a -f "$LAB_STATE|$LAB_CACHE|node-init.sh|containerd-shim-runc-v2" | grep -v -E "selftest.sh|pgrep" || true
  pgrep -a -x 'kubelet|containerd|pause|etcd|kube-apiserver|kube-proxy|kube-scheduler|kube-controller' || true
}

check_nodes_and_ips() {
  local name ip
  for name in $(node_names); do
    ip=$(kcx get node "$name" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}' 2>/dev/null || true)
    if [[ $ip == "$(node_ip "$name")" ]]; then pass "node $name has InternalIP $ip"; else fail "node $name InternalIP '$ip' (want $(node_ip "$name"))"; fi
  done
  kcx get nodes -o wide
}

forbidden() { local out; out=$(kcx "$@" 2>&1) && return 1; grep -q Forbidden <<< "$out"; }
check_rbac_contexts() {
  check "context admin is the default" bash -c "[[ \$(kubectl --kubeconfig $KUBECONFIG_FILE config current-context) == admin ]]"
  check "view: get pods allowed" kcx --context view -n kube-system get pods
  check "view: create pods Forbidden" forbidden --context view -n default run selftest-pod --image=netcheck.local/lab/base:v1 --restart=Never
  check "view: get secrets Forbidden" forbidden --context view -n kube-system get secrets
  check "no-events: get nodes allowed" kcx --context no-events get nodes
  check "no-events: get pods allowed" kcx --context no-events -n kube-system get pods
  check "no-events: get events Forbidden" forbidden --context no-events -n kube-system get events
  local pod; pod=$(kcx -n kube-system get pods -l component=etcd -o name | head -n1)
  check "no-events: pods/log Forbidden" forbidden --context no-events -n kube-system logs "$pod"
}

check_ssh_nodes() {
  local name out
  for name in $(node_names); do
    out=$(lab_ssh "$name" 'hostname; ps -e -o comm=' 2>&1) || { fail "ssh $name: $out"; continue; }
    if [[ $(head -n1 <<< "$out") == "$name" ]]; then pass "ssh $name (StrictHostKeyChecking=yes): hostname $name"; else fail "ssh $name hostname: $(head -n1 <<< "$out")"; fi
    if [[ $(grep -cx kubelet <<< "$out") == 1 && $(grep -cx containerd <<< "$out") == 1 ]]; then
      pass "ssh $name: ps shows one kubelet and one containerd (only this node's processes)"
    else
      fail "ssh $name: ps shows $(grep -cx kubelet <<< "$out") kubelets, $(grep -cx containerd <<< "$out") containerds"
    fi
    if [[ $name == "$MASTER_NAME" ]]; then
      grep -qx etcd <<< "$out" && pass "ssh $name: etcd runs here" || fail "ssh $name: no etcd"
    else
      grep -qx etcd <<< "$out" && fail "ssh $name: sees etcd of the master" || pass "ssh $name: does not see the master's etcd"
    fi
    out=$(lab_ssh "$(node_ip "$name")" hostname 2>&1) && [[ $out == "$name" ]] && pass "ssh by IP $(node_ip "$name")" || fail "ssh by IP $(node_ip "$name"): $out"
  done
}

check_cni0_bridges() {
  local name out
  for name in $(worker_names); do
    out=$(lab_ssh "$name" 'ip -d link show cni0' 2>&1) || true
    grep -q ' bridge ' <<< "$out" && pass "ssh $name: ip -d link show cni0 shows a bridge" || fail "ssh $name: cni0: $out"
  done
}

# (output captured first: `grep -q` in a pipeline under pipefail can fail on SIGPIPE)
ready_message_has() {
  local out; out=$(kcx get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].message}{"\n"}{end}')
  grep -F "$1" <<< "$out" >/dev/null
}
event_has() {
  local out; out=$(kcx -n kube-system get events -o jsonpath='{range .items[*]}{.reason}{"\t"}{.message}{"\n"}{end}')
  grep -F "$1" <<< "$out" | grep -F "$2" >/dev/null
}
coredns_statuses() { kcx -n kube-system get pods -l k8s-app=kube-dns --no-headers; }

verify_scenario_texts() {
  local s=$1
  case $s in
    step1)
      check "step1: Ready message as kubelet writes it" ready_message_has "runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
      check "step1: FailedScheduling on the not-ready taint" event_has FailedScheduling "node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate."
      check "step1: CoreDNS Pending" bash -c "kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system get pods -l k8s-app=kube-dns --no-headers | grep -q Pending" ;;
    ready)
      check "ready: all nodes Ready" bash -c "! kubectl --kubeconfig $KUBECONFIG_FILE get nodes --no-headers | grep -q NotReady"
      check "ready: CoreDNS 1/1 Running" bash -c "[[ \$(kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system get pods -l k8s-app=kube-dns --no-headers | grep -c '1/1 *Running') == 2 ]]"
      check_cni0_bridges ;;
    case-a)
      check "case-a: FailedCreatePodSandBox flannel" event_has FailedCreatePodSandBox 'plugin type="flannel" failed (add): failed to find plugin "flannel" in path [/opt/cni/bin]'
      check "case-a: ContainerCreating" bash -c "kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system get pods -l k8s-app=kube-dns --no-headers | grep -q ContainerCreating" ;;
    case-a-invalid-json)
      check "case-a-invalid-json: node condition identical to step1" ready_message_has "Network plugin returns error: cni plugin not initialized"
      check "case-a-invalid-json: containerd log tells it apart" grep -q "error parsing configuration list" "$(node_dir "$MASTER_NAME")/var-log/containerd.log" ;;
    case-b)
      check "case-b: Readiness probe failed events" event_has Unhealthy "Readiness probe failed: Get \"http://10.244."
      check "case-b: Running but 0/1" bash -c "kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system get pods -l k8s-app=kube-dns --no-headers | grep -q '0/1 *Running'" ;;
    ipam-exhausted) check "ipam-exhausted: no IP addresses available" event_has FailedCreatePodSandBox "no IP addresses available in range set" ;;
    bridge-conflict) check "bridge-conflict: cni0 has a different address" event_has FailedCreatePodSandBox 'failed to set bridge addr: "cni0" already has an IP address different from' ;;
    no-podcidr) check "no-podcidr: a node without spec.podCIDR" bash -c "kubectl --kubeconfig $KUBECONFIG_FILE get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.spec.podCIDR}{\"\\n\"}{end}' | grep -q '=\$'" ;;
    netfilter) check "netfilter: ip_forward=0 on a worker" bash -c "[[ \$(ip netns exec ${NETNS_PREFIX}kube-node-1 sysctl -n net.ipv4.ip_forward) == 0 ]]" ;;
    mtu) check "mtu: pod interfaces have mtu 9000" bash -c "ip -n ${NETNS_PREFIX}kube-node-1 link show cni0 | grep -q 'mtu 9000'" ;;
    proxy-broken) check "proxy-broken: kube-proxy CrashLoopBackOff/Error" bash -c "kubectl --kubeconfig $KUBECONFIG_FILE -n kube-system get pods -l k8s-app=kube-proxy --no-headers | grep -q -E 'CrashLoopBackOff|Error'" ;;
  esac
}

run_scenarios() {
  local s t0 dt
  for s in $SCENARIO_LIST; do
    t0=$SECONDS
    if timeout "$SCENARIO_HANG_GUARD_S" $LAB scenario "$s" > "/tmp/netcheck-lab-selftest-$s.log" 2>&1; then
      dt=$((SECONDS - t0))
      pass "scenario $s reached in ${dt}s"
      record_time "scenario $s" "$dt" "$SCENARIO_GOAL_S"
      verify_scenario_texts "$s"
    else
      fail "scenario $s not reached: $(tail -n 3 "/tmp/netcheck-lab-selftest-$s.log" | tr '\n' ' ')"
    fi
  done
}

count_labelled() {  # RESOURCE: objects labelled netcheck-lab/scale=true
  kcx get "$1" -A -l netcheck-lab/scale=true --no-headers 2>/dev/null | wc -l
}
check_scale() {
  local t0=$SECONDS dt
  if timeout "$SCALE_HANG_GUARD_S" $LAB scale > /tmp/netcheck-lab-selftest-scale.log 2>&1; then
    dt=$((SECONDS - t0))
    pass "scale: added in ${dt}s"
    record_time "scale add" "$dt" "$SCALE_GOAL_S"
    local n p e
    n=$(count_labelled nodes); p=$(count_labelled pods); e=$(count_labelled events)
    [[ $n == 1000 && $p == 30000 && $e -ge 1000 ]] && pass "scale: $n nodes, $p pods, $e events" || fail "scale: $n nodes, $p pods, $e events"
  else
    fail "scale: $(tail -n 3 /tmp/netcheck-lab-selftest-scale.log | tr '\n' ' ')"
  fi
  t0=$SECONDS
  if timeout "$SCALE_HANG_GUARD_S" $LAB scale --remove > /tmp/netcheck-lab-selftest-scale-remove.log 2>&1; then
    dt=$((SECONDS - t0))
    pass "scale --remove in ${dt}s"
    record_time "scale --remove" "$dt" "$SCALE_GOAL_S"
    [[ $(count_labelled nodes) == 0 && $(count_labelled pods) == 0 ]] && pass "scale --remove: nothing labelled left" || fail "scale --remove: objects left"
  else
    fail "scale --remove: $(tail -n 3 /tmp/netcheck-lab-selftest-scale-remove.log | tr '\n' ' ')"
  fi
}

check_down_leaves_nothing() {
  local before=$1 after
  after=$(host_snapshot)
  if diff <(echo "$before") <(echo "$after") >/tmp/netcheck-lab-selftest-down.diff; then
    pass "down: routes, links, netns, iptables rules, mounts, cgroups, sysctls as before up"
  else
    fail "down: host differs from before up: $(tr '\n' ' ' < /tmp/netcheck-lab-selftest-down.diff)"
  fi
  local procs; procs=$(lab_processes)
  [[ -z $procs ]] && pass "down: no lab processes" || fail "down: processes left: $procs"
  [[ -z $(ip netns list | grep "^$NETNS_PREFIX") ]] && pass "down: no lab netns" || fail "down: netns left"
  [[ -z $(ls -d /sys/fs/cgroup/*/"$CGROUP_PREFIX"* 2>/dev/null) ]] && pass "down: no lab cgroups" || fail "down: cgroups left"
  [[ -z $(findmnt -rn -o TARGET | grep -E "netcheck-lab|nclab") ]] && pass "down: no lab mounts" || fail "down: mounts left"
}

main() {
  require_root
  local before=""
  if ((DO_UP)); then
    $LAB down >/dev/null 2>&1 || true
    before=$(host_snapshot)
    local t0=$SECONDS
    if $LAB up --nodes "$WORKERS"; then pass "up in $((SECONDS - t0))s"; else fail "up"; exit 1; fi
  fi
  check_nodes_and_ips
  check_rbac_contexts
  check_ssh_nodes
  run_scenarios
  if ((DO_SCALE)); then check_scale; fi
  if ((!KEEP)) && ((DO_UP)); then
    local t0=$SECONDS
    $LAB down && pass "down in $((SECONDS - t0))s" || fail "down"
    check_down_leaves_nothing "$before"
  fi
  echo
  if ((${#TIMES[@]})); then
    echo "wall times (figures; only a hang guard of ${SCENARIO_HANG_GUARD_S}s per scenario, ${SCALE_HANG_GUARD_S}s per scale step fails):"
    printf '%s\n' "${TIMES[@]}"
  fi
  if ((FAILURES)); then echo "selftest: $FAILURES failure(s)"; exit 1; fi
  echo "selftest: all checks passed"
}
main; exit $?
