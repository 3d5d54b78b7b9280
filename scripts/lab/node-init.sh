#!/usr/bin/env bash
# PID 1 of a lab node. Runs inside the node's own network, mount, UTS and PID
# namespaces (started by lab.sh). Makes the node's private directories, starts
# containerd, sshd and the kubelet with logs in the node's /var/log, then
# becomes the static pause binary, which reaps orphans for the rest of the node's life.
set -euo pipefail

NAME=$1
DIR=$2          # the node's state directory on the host
LAB_BIN=$3      # Kubernetes binaries
IP=$4
IMAGE_DIR=$5     # OCI archives of the local images
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

hostname "$NAME"
echo "node $NAME ($IP) starting"

# Private views of the directories a node owns.
bind_private() {
  local src=$1 dst=$2
  mkdir -p "$src" "$dst"
  mount --bind "$src" "$dst"
}
bind_private "$DIR/etc-kubernetes"   /etc/kubernetes
bind_private "$DIR/etc-containerd"   /etc/containerd
bind_private "$DIR/cni-net.d"        /etc/cni/net.d
bind_private "$DIR/cni-bin"          /opt/cni/bin
bind_private "$DIR/var-lib-cni"      /var/lib/cni
bind_private "$DIR/var-log"          /var/log
bind_private "$DIR/var-lib-kubelet"  /var/lib/kubelet
bind_private "$DIR/var-lib-containerd" /var/lib/containerd
bind_private "$DIR/var-lib-etcd"     /var/lib/etcd
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/netns /run/sshd /run/containerd

# sysfs of this network namespace (so /sys/class/net shows the node's own links),
# keeping the host's cgroup mounts underneath.
mkdir -p /run/cgroup-keep
mount --rbind /sys/fs/cgroup /run/cgroup-keep
mount -t sysfs sysfs /sys
mount --move /run/cgroup-keep /sys/fs/cgroup
rmdir /run/cgroup-keep 2>/dev/null || true

mount --make-rshared /

ip link set lo up

containerd --config /etc/containerd/config.toml >> /var/log/containerd.log 2>&1 &
for _ in $(seq 1 100); do [[ -S /run/containerd/containerd.sock ]] && break; sleep 0.1; done
for img in "$IMAGE_DIR"/pause.tar "$IMAGE_DIR"/base.tar; do
  ctr -n k8s.io images import "$img" >> /var/log/containerd.log 2>&1
done

/usr/sbin/sshd -f "$DIR/ssh/sshd_config" -E /var/log/sshd.log

# shellcheck disable=SC2046
"$LAB_BIN/kubelet" $(cat /etc/kubernetes/kubelet.flags) >> /var/log/kubelet.log 2>&1 &

exec "$LAB_BIN/pause"
