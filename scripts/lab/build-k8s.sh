#!/usr/bin/env bash
# Builds Kubernetes v1.20.2 server binaries (and the pause binary) from Debian's
# `kubernetes` source package into a cache outside the checkout. Idempotent:
# does nothing when the cached binaries already exist.
set -euo pipefail

CACHE=${NETCHECK_LAB_CACHE:-/var/cache/netcheck-lab}
K8S_VERSION=v1.20.2
BIN_DIR=$CACHE/k8s-$K8S_VERSION/bin
SRC_ROOT=$CACHE/src
BINARIES=(kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy)
REFLECT2_DEBIAN=/usr/share/gocode/src/github.com/modern-go/reflect2

log() { echo "[build-k8s $(date +%H:%M:%S)] $*"; }

binaries_cached() {
  local b
  for b in "${BINARIES[@]}" pause; do [[ -x $BIN_DIR/$b ]] || return 1; done
}

fetch_debian_source() {
  mkdir -p "$SRC_ROOT"
  if ! ls -d "$SRC_ROOT"/kubernetes-*/ >/dev/null 2>&1; then
    log "apt-get source kubernetes"
    (cd "$SRC_ROOT" && apt-get source kubernetes)
  fi
  TREE=$(ls -d "$SRC_ROOT"/kubernetes-*/ | head -n1)
  TREE=${TREE%/}
  log "source tree: $TREE"
}

replace_vendored_reflect2() {
  # reflect2 v1.0.1 (vendored) corrupts memory under Go >= 1.18; Debian's 1.0.2 has the same API.
  local dst=$TREE/vendor/github.com/modern-go/reflect2
  [[ -f $dst/.netcheck-lab-replaced ]] && return 0
  log "replacing vendored reflect2 with Debian's copy"
  find "$dst" -maxdepth 1 -type f \( -name '*.go' -o -name '*.s' \) -delete
  cp "$REFLECT2_DEBIAN"/*.go "$REFLECT2_DEBIAN"/*.s "$dst"/
  touch "$dst/.netcheck-lab-replaced"
}

build_kubernetes() {
  # GOPATH laid out as in debian/rules: .go/src/k8s.io/kubernetes -> tree
  local gopath=$TREE/.go
  mkdir -p "$gopath/src/k8s.io"
  ln -sfn "$TREE" "$gopath/src/k8s.io/kubernetes"
  local whats=() b
  for b in "${BINARIES[@]}"; do whats+=("cmd/$b"); done
  log "make WHAT='${whats[*]}' (about 10 minutes on 2 cores)"
  (
    cd "$gopath/src/k8s.io/kubernetes"
    export GOPATH=$gopath GO111MODULE=off GOFLAGS=-mod=vendor CGO_ENABLED=0 HOME=${HOME:-/root}
    export GOCACHE=$CACHE/gocache KUBE_GIT_VERSION=$K8S_VERSION KUBE_GIT_TREE_STATE=clean
    unset GOFLAGS GO111MODULE
    make WHAT="${whats[*]}"
  )
  mkdir -p "$BIN_DIR"
  for b in "${BINARIES[@]}"; do
    install -m 0755 "$TREE/_output/local/bin/linux/amd64/$b" "$BIN_DIR/$b"
  done
}

build_pause() {
  log "gcc -static pause.c"
  gcc -Os -static -DVERSION="$K8S_VERSION" -o "$BIN_DIR/pause" "$TREE/build/pause/linux/pause.c"
  strip "$BIN_DIR/pause" || true
}

main() {
  if binaries_cached; then
    log "cached binaries present in $BIN_DIR"
    return 0
  fi
  fetch_debian_source
  replace_vendored_reflect2
  mkdir -p "$BIN_DIR"
  local b missing=0
  for b in "${BINARIES[@]}"; do [[ -x $BIN_DIR/$b ]] || missing=1; done
  if (( missing )); then
    rm -rf "$TREE/_output"
    build_kubernetes
  fi
  build_pause
  "$BIN_DIR/kubelet" --version
  log "done: $BIN_DIR"
}

main "$@"; exit $?
