#!/usr/bin/env bash
# Installs (idempotently) every Debian package the lab needs and adds the
# deb-src entry used to fetch Debian's `kubernetes` source package.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps.sh: must run as root" >&2
  exit 1
fi

PACKAGES=(
  # runtime of the nodes
  etcd-server containerd runc containernetworking-plugins
  openssh-server openssh-client iproute2 iptables tcpdump iputils-ping conntrack
  util-linux procps psmisc openssl curl jq busybox-static
  # building Kubernetes v1.20.2 and the pause image from Debian sources
  golang-go rsync make gcc libc6-dev dpkg-dev golang-github-modern-go-reflect2-dev
)

DEB_SRC_FILE=/etc/apt/sources.list.d/netcheck-lab-src.sources

add_deb_src_entry() {
  if grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ 2>/dev/null || \
     grep -qs '^deb-src ' /etc/apt/sources.list 2>/dev/null; then
    return 0
  fi
  cat > "$DEB_SRC_FILE" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
}

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

main() {
  add_deb_src_entry
  local missing
  missing=$(missing_packages)
  # Always refresh once so `apt-get source kubernetes` finds the deb-src index.
  if [[ -n $missing || ! -e /var/lib/netcheck-lab/.apt-updated ]]; then
    apt-get update || echo "install-deps: apt-get update reported errors (unreachable extra sources?); continuing" >&2
    mkdir -p /var/lib/netcheck-lab && touch /var/lib/netcheck-lab/.apt-updated
  fi
  if [[ -n $missing ]]; then
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
  fi
  # The lab starts its own containerd and sshd per node; the host services are not needed.
  local svc
  for svc in containerd ssh; do
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
      systemctl stop "$svc" || true
      systemctl disable "$svc" >/dev/null 2>&1 || true
    fi
  done
  echo "install-deps: all packages present"
}

main "$@"; exit $?
