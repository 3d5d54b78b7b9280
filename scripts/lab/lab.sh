#!/usr/bin/env bash
# The lab: a real Kubernetes v1.20.2 cluster on this machine whose nodes are
# Linux namespaces. Usage: lab.sh up [--nodes N] [--scenario NAME] | down | status |
#                          scenario NAME | scale [--remove] | env
set -euo pipefail

LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
source "$LAB_SCRIPTS/lib/common.sh"
# shellcheck source=lib/images.sh
source "$LAB_SCRIPTS/lib/images.sh"
# shellcheck source=lib/pki.sh
source "$LAB_SCRIPTS/lib/pki.sh"
# shellcheck source=lib/node.sh
source "$LAB_SCRIPTS/lib/node.sh"
# shellcheck source=lib/cluster.sh
source "$LAB_SCRIPTS/lib/cluster.sh"
# shellcheck source=lib/scenarios.sh
source "$LAB_SCRIPTS/lib/scenarios.sh"

HOST_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
REQUIRED_COMMANDS=(etcd containerd runc ctr sshd ssh ssh-keygen ip iptables tcpdump ping conntrack openssl jq nsenter unshare curl)

usage() {
  cat <<USAGE
usage: lab.sh <command>
  up [--nodes N] [--scenario NAME]   bring the lab up (tears down leftovers first); default scenario step1
  down                               remove everything the lab made
  status                             show nodes, pods and the current scenario (exit 0 up, 3 down, 1 broken)
  scenario NAME                      switch to a scenario and wait until it is reached:
                                     $(scenario_names | tr '\n' ' ')
  scale [--remove]                   add (or remove) 1,000 API-only nodes, 30,000 pods, events
  env                                print export lines for KUBECONFIG and NETCHECK_SSH_CONFIG
USAGE
}

# ---- host state saved by `up` and restored by `down` ----
save_host_sysctls() {
  [[ -f $LAB_STATE/host-sysctls ]] && return 0
  local k
  for k in "${HOST_SYSCTLS[@]}"; do echo "$k=$(sysctl -n "$k")"; done > "$LAB_STATE/host-sysctls"
}
restore_host_sysctls() {
  [[ -f $LAB_STATE/host-sysctls ]] || return 0
  local line
  while read -r line; do sysctl -qw "$line" || log "warning: could not restore $line"; done < "$LAB_STATE/host-sysctls"
  rm -f "$LAB_STATE/host-sysctls"
}

# ---- processes ----
lab_netns_inodes() {
  local f
  for f in /run/netns/"$NETNS_PREFIX"*; do [[ -e $f ]] && stat -L -c %i "$f"; done
  return 0
}
# lab_pids: every process whose network namespace is a lab node's
lab_pids() {
  local inodes; inodes=$(lab_netns_inodes | tr '\n' ' ')
  [[ -n $inodes ]] || return 0
  local p ns
  for p in /proc/[0-9]*; do
    ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
    ns=${ns#net:[}; ns=${ns%]}
    [[ " $inodes " == *" $ns "* ]] && echo "${p#/proc/}"
  done
  return 0
}
# wait_reaped SECONDS PID...: until every PID has left the process table, zombies included
wait_reaped() {
  local seconds=$1 pid left; shift
  for _ in $(seq 1 $((seconds * 10))); do
    left=""
    for pid in "$@"; do [[ -e /proc/$pid ]] && left+=" $pid"; done
    [[ -z $left ]] && return 0
    sleep 0.1
  done
  log "warning: processes not yet reaped:$left"
}
kill_lab_processes() {
  local name pid killed=() launchers=()
  # PID 1 of every node first: the kernel then kills everything in that node's PID namespace.
  for d in "$NODES_DIR"/*/; do
    [[ -f $d/init.pid ]] || continue
    pid=$(cat "$d/init.pid")
    name=$(basename "$d")
    if [[ -e /run/netns/$(node_netns "$name") && $(readlink "/proc/$pid/ns/net" 2>/dev/null) == "net:[$(stat -L -c %i "/run/netns/$(node_netns "$name")")]" ]]; then
      kill -9 "$pid" 2>/dev/null || true
      killed+=("$pid")
      [[ -f $d/launcher.pid ]] && launchers+=("$(cat "$d/launcher.pid")")
    fi
  done
  # Each launcher (unshare --fork) reaps its node's PID 1 and exits by itself. Killing it first
  # would hand that zombie to the host's init, which here reaps only seconds later.
  wait_reaped 20 "${killed[@]}" "${launchers[@]}"
  for _ in $(seq 1 50); do
    local pids; pids=$(lab_pids)
    if [[ -z $pids ]]; then
      # A killed process is gone from lab_pids as soon as it is a zombie; wait until it is reaped.
      wait_reaped 30 "${killed[@]}"
      return 0
    fi
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    killed+=($pids)
    sleep 0.2
  done
  log "warning: processes still in lab namespaces: $(lab_pids | tr '\n' ' ')"
}

# teardown [final|restart]: `final` (down) also undoes the host changes saved for the whole lab life
teardown() {
  local mode=${1:-final}
  log "tearing down"
  kill_lab_processes
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NETNS_PREFIX" || true); do
    ip netns del "$ns" || log "warning: could not delete netns $ns"
  done
  local l
  for l in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^nclabh[0-9]+$' || true); do
    ip link del "$l" 2>/dev/null || true
  done
  ip link del "$LAB_BRIDGE" 2>/dev/null || true
  # `ip netns add` makes /run/netns a mount point; undo that at `down` when the lab made it and
  # no other network namespace (of anyone) is left in it.
  if [[ $mode == final ]]; then
    if [[ $(cat "$LAB_STATE/run-netns-state" 2>/dev/null) == made-by-lab ]] && findmnt -n /run/netns >/dev/null 2>&1 \
        && [[ -z $(ls -A /run/netns 2>/dev/null) ]]; then
      umount /run/netns 2>/dev/null || umount -l /run/netns || true
      rmdir /run/netns 2>/dev/null || true
    fi
    rm -f "$LAB_STATE/run-netns-state"
  fi
  remove_lab_cgroups
  restore_host_sysctls
  remove_host_mountpoints
  rm -rf "$NODES_DIR" "$PKI_DIR" "$SSH_DIR" "$KUBECONFIG_FILE" "$LAB_STATE/scenario" "$LAB_STATE/worker-count" "$LAB_STATE/scale"
}

# ---- ssh ----
make_ssh_client_files() {
  mkdir -p "$SSH_DIR"; chmod 700 "$SSH_DIR"
  [[ -f $SSH_DIR/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C netcheck-lab -f "$SSH_DIR/id_ed25519"
}
write_ssh_known_hosts_and_config() {
  local name
  : > "$SSH_DIR/known_hosts"
  : > "$SSH_DIR/config"
  for name in $(node_names); do
    echo "$name,$(node_ip "$name") $(cut -d' ' -f1,2 < "$(node_dir "$name")/ssh/ssh_host_ed25519_key.pub")" >> "$SSH_DIR/known_hosts"
    cat >> "$SSH_DIR/config" <<CFG
Host $name $(node_ip "$name")
  HostName $(node_ip "$name")
  Port 22
  User root
  IdentityFile $SSH_DIR/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $SSH_DIR/known_hosts
  StrictHostKeyChecking yes
  ConnectTimeout 5

CFG
  done
  chmod 600 "$SSH_DIR/config" "$SSH_DIR/known_hosts"
}

ensure_deps() {
  local c missing=()
  for c in "${REQUIRED_COMMANDS[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
  if ((${#missing[@]})) || [[ ! -x $LAB_BIN/kubelet ]]; then
    log "missing commands or Kubernetes binaries: running install-deps.sh"
    bash "$LAB_SCRIPTS/install-deps.sh" >&2
  fi
  bash "$LAB_SCRIPTS/build-k8s.sh" >&2
}

all_nodes_have_pod_cidr() {
  kc get nodes -o json | jq -e '(.items | length) > 0 and ([.items[] | (.spec.podCIDR // "") != ""] | all)'
}
apiserver_ready() { kc get --raw /readyz >/dev/null 2>&1; }
all_nodes_registered() {
  local n; n=$(kc get nodes --no-headers 2>/dev/null | wc -l)
  ((n == $(worker_count) + 1))
}

cmd_up() {
  local workers=2 scenario=step1
  while (($#)); do
    case $1 in
      --nodes) workers=$2; shift 2 ;;
      --nodes=*) workers=${1#*=}; shift ;;
      --scenario) scenario=$2; shift 2 ;;
      --scenario=*) scenario=${1#*=}; shift ;;
      *) die "up: unknown option $1" ;;
    esac
  done
  [[ $workers =~ ^[0-9]+$ ]] && ((workers >= 1 && workers <= 50)) || die "--nodes must be 1..50"
  local start=$SECONDS
  ensure_deps
  mkdir -p "$LAB_STATE"
  if [[ ! -f $LAB_STATE/run-netns-state ]]; then
    if findmnt -n /run/netns >/dev/null 2>&1; then echo premounted; else echo made-by-lab; fi > "$LAB_STATE/run-netns-state"
  fi
  teardown restart
  echo "$workers" > "$LAB_STATE/worker-count"
  save_host_sysctls
  build_images
  make_pki
  make_ssh_client_files
  ensure_host_mountpoints
  create_lab_bridge
  local name
  for name in $(node_names); do prepare_node_dir "$name"; done
  write_control_plane
  write_lab_kubeconfig
  write_ssh_known_hosts_and_config
  for name in $(node_names); do
    log "starting node $name ($(node_ip "$name"))"
    start_node "$name"
  done
  log "waiting for kube-apiserver"
  wait_until 180 "kube-apiserver /readyz" apiserver_ready || die "kube-apiserver did not come up; see $(node_dir "$MASTER_NAME")/var-log/kubelet.log"
  log "waiting for $((workers + 1)) nodes to register"
  wait_until 120 "nodes registered" all_nodes_registered || die "nodes did not register"
  kc label node "$MASTER_NAME" node-role.kubernetes.io/master= node-role.kubernetes.io/control-plane= --overwrite >/dev/null
  wait_until 60 "pod CIDRs allocated to every node" all_nodes_have_pod_cidr || die "kube-controller-manager did not allocate pod CIDRs"
  addons_yaml | kc apply -f - >/dev/null
  log "cluster up after $((SECONDS - start))s; applying scenario $scenario"
  cmd_scenario "$scenario"
  log "lab up in $((SECONDS - start))s. $(cmd_env | tr '\n' ' ')"
}

cmd_down() {
  teardown final
  log "lab is down"
}

cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export NETCHECK_SSH_CONFIG=$SSH_DIR/config"
  echo "export NETCHECK_HELPER_IMAGE=$BASE_IMAGE"
}

# status: exit 0 when the lab is up (every node running, API answering), 3 when it is down, 1 when broken
cmd_status() {
  if [[ ! -d $NODES_DIR ]]; then echo "lab is down"; return 3; fi
  echo "scenario: $(cat "$LAB_STATE/scenario" 2>/dev/null || echo none)"
  local name rc=0
  for name in $(node_names); do
    if node_alive "$name"; then echo "node $name $(node_ip "$name"): running (pid $(node_pid "$name"))"
    else echo "node $name $(node_ip "$name"): NOT running"; rc=1; fi
  done
  apiserver_ready || { echo "kube-apiserver: not answering"; rc=1; }
  kc get nodes -o wide -l '!netcheck-lab/scale' 2>&1 || true
  kc get pods -n kube-system -o wide 2>&1 || true
  [[ -f $LAB_STATE/scale ]] && echo "scale objects present (lab.sh scale --remove to delete them)"
  return "$rc"
}

# with_lab_lock CMD...: one lab command at a time (tests and people share the one lab)
with_lab_lock() {
  mkdir -p "$LAB_STATE"
  exec 9> "$LAB_STATE/.lock"
  if ! flock -n 9; then
    log "another lab command is running; waiting for it (up to 15 min)"
    flock -w 900 9 || die "timed out waiting for the other lab command"
  fi
  "$@"
}

main() {
  local cmd=${1:-}
  [[ -n $cmd ]] || { usage; exit 2; }
  shift
  case $cmd in
    -h|--help|help) usage; return 0 ;;
    env) cmd_env; return 0 ;;
  esac
  require_root "$cmd"
  case $cmd in
    up) with_lab_lock cmd_up "$@" ;;
    down) with_lab_lock cmd_down ;;
    status) cmd_status ;;
    scenario) [[ $# -ge 1 ]] || die "scenario: name required ($(scenario_names | tr '\n' ' '))"; with_lab_lock cmd_scenario "$@" ;;
    scale) with_lab_lock cmd_scale "$@" ;;
    *) usage; exit 2 ;;
  esac
}

main "$@"; exit $?
