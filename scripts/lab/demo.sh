#!/usr/bin/env bash
# Demo: installs the lab's parts if needed, brings the lab up broken (case-a: the CNI config
# names plugin "flannel", which is not installed) and runs each plugin against it, showing
# every command before it runs. Plugins are taken from PATH, else from dist/bin.
# Then (unless --no-fix) it switches the lab to `ready` and runs them again on working pods.
#   usage: demo.sh [--scenario NAME] [--nodes N] [--no-fix]
set -euo pipefail

LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_SCRIPTS/../.." && pwd)
SCENARIO=case-a
NODES=2
FIX=1
while (($#)); do
  case $1 in
    --no-fix) FIX=0; shift ;;
    --scenario) SCENARIO=$2; shift 2 ;;
    --nodes) NODES=$2; shift 2 ;;
    *) echo "usage: demo.sh [--scenario NAME] [--nodes N] [--no-fix]" >&2; exit 2 ;;
  esac
done

if [[ $(id -u) -ne 0 ]]; then
  echo "demo.sh: must run as root (the lab creates namespaces, bridges and cgroups)" >&2
  exit 1
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show_and_run() {  # prints the command, runs it, reports its exit code without stopping the demo
  printf '$ %s\n' "$*"
  local rc=0
  "$@" || rc=$?
  echo "(exit $rc)"
}

find_plugin() {  # NAME: path of kubectl-NAME on PATH or in dist/bin
  local p
  if p=$(command -v "kubectl-$1" 2>/dev/null); then echo "$p"; return 0; fi
  if [[ -x $REPO/dist/bin/kubectl-$1 ]]; then echo "$REPO/dist/bin/kubectl-$1"; return 0; fi
  return 1
}

say "bringing the lab up in scenario $SCENARIO"
bash "$LAB_SCRIPTS/lab.sh" up --nodes "$NODES" --scenario "$SCENARIO"
eval "$(bash "$LAB_SCRIPTS/lab.sh" env)"
export KUBECONFIG NETCHECK_SSH_CONFIG
[[ -d $REPO/dist/bin ]] && export PATH="$REPO/dist/bin:$PATH"

say "the cluster as kubectl sees it"
show_and_run kubectl get nodes -o wide
show_and_run kubectl -n kube-system get pods -o wide

run_netcheck() {
  if find_plugin netcheck >/dev/null; then
    say "kubectl netcheck: where is the setup stuck? ($1)"
    show_and_run kubectl netcheck
    say "kubectl netcheck --ssh: the same, with evidence read from the nodes over SSH ($1)"
    show_and_run kubectl netcheck --ssh
  else
    say "kubectl-netcheck not found on PATH or in dist/bin (build it with: npm run build); skipped"
  fi
}
run_nsenter_and_tap() {
  local pod dest
  local node
  pod=$(kubectl -n kube-system get pods -l k8s-app=kube-dns -o jsonpath='{.items[0].metadata.name}')
  node=$(kubectl -n kube-system get pod "$pod" -o jsonpath='{.spec.nodeName}' 2>/dev/null || true)
  # the copy goes to another node than the pod's own: a worker if there is one, else the master
  dest=$(kubectl get nodes -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | grep -v -x -e "${node:-none}" | sort -r | head -n1)
  if find_plugin nsenter >/dev/null; then
    say "kubectl nsenter: run a command in pod $pod's network namespace on its node ($1)"
    show_and_run kubectl nsenter "$pod" -n kube-system -- ip -brief addr
  else
    say "kubectl-nsenter not found on PATH or in dist/bin; skipped"
  fi
  if find_plugin tap >/dev/null; then
    say "kubectl tap: mirror pod $pod's traffic to $dest for 5 seconds, while the pod pings $dest ($1)"
    printf '$ kubectl tap %s -n kube-system --dest %s --capture /tmp/netcheck-demo.pcap --duration 5s\n' "$pod" "$dest"
    local rc=0 log target
    log=$(mktemp)
    target=$(kubectl get node "$dest" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
    kubectl tap "$pod" -n kube-system --dest "$dest" --capture /tmp/netcheck-demo.pcap --duration 5s 2>"$log" &
    local tap_pid=$!
    for _ in $(seq 100); do grep -q 'tap up' "$log" && break; kill -0 "$tap_pid" 2>/dev/null || break; sleep 0.1; done
    # Traffic to see: pings from the pod (mirrored even when the network drops them).
    kubectl nsenter "$pod" -n kube-system -- ping -c 5 -i 0.2 -W 1 "$target" >/dev/null 2>&1 || true
    wait "$tap_pid" || rc=$?
    cat "$log"; rm -f "$log"
    echo "(exit $rc)"
    if [[ -s /tmp/netcheck-demo.pcap ]] && command -v tcpdump >/dev/null; then
      printf '$ tcpdump -n -r /tmp/netcheck-demo.pcap | head\n'
      tcpdump -n -r /tmp/netcheck-demo.pcap 2>/dev/null | head -n 10
    fi
  else
    say "kubectl-tap not found on PATH or in dist/bin; skipped"
  fi
}

run_netcheck "broken: $SCENARIO"
run_nsenter_and_tap "broken: $SCENARIO"

if ((FIX)); then
  say "fixing it: the lab writes a working bridge CNI config and routes (scenario ready)"
  bash "$LAB_SCRIPTS/lab.sh" scenario ready
  show_and_run kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide
  run_netcheck "fixed"
  run_nsenter_and_tap "fixed"
fi

say "the lab stays up; try:  eval \"\$(bash scripts/lab/lab.sh env)\"; kubectl netcheck"
echo "  switch state:  bash scripts/lab/lab.sh scenario ready|step1|case-b|...   remove:  bash scripts/lab/lab.sh down"
