# shellcheck shell=bash disable=SC2034
# Constants and small helpers shared by the lab's scripts.

LAB_STATE=${NETCHECK_LAB_STATE:-/var/lib/netcheck-lab}
LAB_CACHE=${NETCHECK_LAB_CACHE:-/var/cache/netcheck-lab}
K8S_VERSION=v1.20.2
LAB_BIN=$LAB_CACHE/k8s-$K8S_VERSION/bin
NODES_DIR=$LAB_STATE/nodes
PKI_DIR=$LAB_STATE/pki          # copied into the master's /etc/kubernetes/pki
SSH_DIR=$LAB_STATE/ssh
KUBECONFIG_FILE=$LAB_STATE/kubeconfig
LAB_BRIDGE=nclab0
LAB_NET_PREFIX=172.30.99
LAB_BRIDGE_IP=$LAB_NET_PREFIX.1
MASTER_NAME=kube-master
MASTER_IP=$LAB_NET_PREFIX.10
POD_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/12
KUBERNETES_SVC_IP=10.96.0.1
DNS_SVC_IP=10.96.0.10
NETNS_PREFIX=nclab-
CGROUP_PREFIX=nclab-
IPTABLES_COMMENT=netcheck-lab
SCENARIO_TIMEOUT=${SCENARIO_TIMEOUT:-90}

log() { echo "[lab $(date +%H:%M:%S)] $*" >&2; }
die() { echo "lab: error: $*" >&2; exit 1; }

require_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (it creates network namespaces, bridges and cgroups); try: sudo $0 $*"
}

# node_names: kube-master then the workers, from the saved node count
worker_count() { cat "$LAB_STATE/worker-count" 2>/dev/null || echo 2; }
worker_names() { local i; for ((i = 1; i <= $(worker_count); i++)); do echo "kube-node-$i"; done; }
node_names() { echo "$MASTER_NAME"; worker_names; }
node_index() { if [[ $1 == "$MASTER_NAME" ]]; then echo 0; else echo "${1##*-}"; fi; }
node_ip() { echo "$LAB_NET_PREFIX.$((10 + $(node_index "$1")))"; }
node_netns() { echo "$NETNS_PREFIX$1"; }
node_dir() { echo "$NODES_DIR/$1"; }
node_pid() { cat "$(node_dir "$1")/init.pid" 2>/dev/null; }
node_alive() { local p; p=$(node_pid "$1") && [[ -n $p ]] && kill -0 "$p" 2>/dev/null; }

# in_node NAME CMD...: runs CMD in all of the node's namespaces (net, mount, uts, pid)
in_node() {
  local name=$1; shift
  local pid; pid=$(node_pid "$name") || die "node $name is not running"
  nsenter -t "$pid" -n -m -u -p -- "$@"
}
# in_node_net NAME CMD...: runs CMD in the node's network namespace only
in_node_net() {
  local name=$1; shift
  nsenter --net="/run/netns/$(node_netns "$name")" -- "$@"
}

kc() { kubectl --kubeconfig "$KUBECONFIG_FILE" --context admin "$@"; }

# wait_until TIMEOUT DESCRIPTION CMD...: polls CMD every second until it succeeds
wait_until() {
  local timeout=$1 what=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "timed out after ${timeout}s waiting for: $what"
      return 1
    fi
    sleep 1
  done
}
# holds_for SECONDS WHAT CMD...: CMD succeeds at every check, once a second, for SECONDS
holds_for() {
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    "$@" >/dev/null 2>&1 || { log "no longer true within ${seconds}s: $what"; return 1; }
    sleep 1
  done
}
