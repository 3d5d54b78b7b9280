# shellcheck shell=bash
# Lab nodes: the lab bridge, one network namespace + veth per node, per-node
# cgroup roots, configuration files, and starting/stopping the node's PID 1.

CNI_PLUGINS=(bridge host-local loopback portmap)
CGROUP_CONTROLLERS_DIR=/sys/fs/cgroup

create_lab_bridge() {
  ip link show "$LAB_BRIDGE" >/dev/null 2>&1 && return 0
  ip link add "$LAB_BRIDGE" type bridge
  sysctl -qw "net.ipv6.conf.$LAB_BRIDGE.disable_ipv6=1" || true
  ip addr add "$LAB_BRIDGE_IP/24" dev "$LAB_BRIDGE"
  ip link set "$LAB_BRIDGE" up
}

host_veth_name() { echo "nclabh$(node_index "$1")"; }

create_node_network() {
  local name=$1 ns; ns=$(node_netns "$name")
  local veth; veth=$(host_veth_name "$name")
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1" || true
  ip link set "$veth" master "$LAB_BRIDGE" up
  ip -n "$ns" link set lo up
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
  ip -n "$ns" addr add "$(node_ip "$name")/24" dev eth0
  ip -n "$ns" link set eth0 up
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1 || true
}

# cgroup root of a node's kubelet, in every cgroup v1 hierarchy
node_cgroup() { echo "$CGROUP_PREFIX$1"; }
create_node_cgroups() {
  local name=$1 cg; cg=$(node_cgroup "$name")
  local h
  for h in "$CGROUP_CONTROLLERS_DIR"/*/; do
    h=${h%/}
    [[ $(basename "$h") == unified ]] && continue
    mkdir -p "$h/$cg"
    if [[ -f $h/cpuset.cpus ]]; then
      cat "$h/cpuset.cpus" > "$h/$cg/cpuset.cpus"
      cat "$h/cpuset.mems" > "$h/$cg/cpuset.mems"
    fi
  done
}
remove_lab_cgroups() {
  local d
  for d in "$CGROUP_CONTROLLERS_DIR"/*/"$CGROUP_PREFIX"*; do
    [[ -d $d ]] || continue
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [[ -d $d ]] && log "warning: cgroup $d still present"
  done
  return 0
}

write_containerd_config() {
  local dir=$1
  cat > "$dir/etc-containerd/config.toml" <<TOML
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.internal.v1.opt"]

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  restrict_oom_score_adj = true
  disable_tcp_service = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/opt/cni/bin"
    conf_dir = "/etc/cni/net.d"
    max_conf_num = 1
TOML
}

write_kubelet_config() {
  local name=$1 dir; dir=$(node_dir "$name")
  local ek=$dir/etc-kubernetes
  mkdir -p "$ek/manifests" "$ek/pki"
  cp "$PKI_DIR/ca.crt" "$ek/pki/ca.crt"
  make_kubeconfig "$ek/kubelet.conf" "system:node:$name" "$PKI_DIR/nodes/$name"
  make_kubeconfig "$ek/kube-proxy.conf" "system:kube-proxy" "$PKI_DIR/users/kube-proxy"
  echo "nameserver $DNS_SVC_IP" > "$ek/resolv.conf"
  cat > "$ek/kubelet-config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $(node_ip "$name")
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
cgroupDriver: cgroupfs
cgroupRoot: /$(node_cgroup "$name")
cgroupsPerQOS: true
enforceNodeAllocatable: ["pods"]
staticPodPath: /etc/kubernetes/manifests
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: /etc/kubernetes/pki/ca.crt}
authorization:
  mode: Webhook
clusterDomain: cluster.local
clusterDNS: ["$DNS_SVC_IP"]
resolvConf: /etc/kubernetes/resolv.conf
failSwapOn: false
rotateCertificates: false
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {"memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%"}
nodeStatusUpdateFrequency: 4s
nodeStatusReportFrequency: 20s
syncFrequency: 10s
fileCheckFrequency: 5s
maxPods: 250
containerLogMaxSize: 5Mi
YAML
  local taint=""
  [[ $name == "$MASTER_NAME" ]] && taint="--register-with-taints=node-role.kubernetes.io/master=:NoSchedule"
  cat > "$ek/kubelet.flags" <<FLAGS
--config=/etc/kubernetes/kubelet-config.yaml
--kubeconfig=/etc/kubernetes/kubelet.conf
--container-runtime=remote
--container-runtime-endpoint=unix:///run/containerd/containerd.sock
--runtime-request-timeout=2m
--hostname-override=$name
--node-ip=$(node_ip "$name")
--v=2
$taint
FLAGS
}

write_sshd_config() {
  local name=$1 dir; dir=$(node_dir "$name")
  mkdir -p "$dir/ssh"
  ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh/ssh_host_ed25519_key"
  cp "$SSH_DIR/id_ed25519.pub" "$dir/ssh/authorized_keys"
  chmod 600 "$dir/ssh/authorized_keys"
  cat > "$dir/ssh/sshd_config" <<CFG
ListenAddress $(node_ip "$name"):22
HostKey $dir/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile $dir/ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
X11Forwarding no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp internal-sftp
CFG
}

prepare_node_dir() {
  local name=$1 dir; dir=$(node_dir "$name")
  rm -rf "$dir"
  mkdir -p "$dir"/{etc-kubernetes/manifests,etc-containerd,cni-net.d,cni-bin,var-lib-cni,var-log,var-lib-kubelet,var-lib-containerd,var-lib-etcd}
  local p
  for p in "${CNI_PLUGINS[@]}"; do cp /usr/lib/cni/"$p" "$dir/cni-bin/$p"; done
  write_containerd_config "$dir"
  write_kubelet_config "$name"
  write_sshd_config "$name"
}

# Mount points the nodes bind over; made on the host once and removed by `down` if the lab made them.
NODE_MOUNTPOINTS=(/etc/kubernetes /etc/containerd /etc/cni /etc/cni/net.d /opt/cni /opt/cni/bin /var/lib/cni /var/lib/kubelet /var/lib/containerd /var/lib/etcd)
ensure_host_mountpoints() {
  local d
  : > "$LAB_STATE/created-mountpoints.tmp"
  for d in "${NODE_MOUNTPOINTS[@]}"; do
    if [[ ! -d $d ]]; then echo "$d" >> "$LAB_STATE/created-mountpoints.tmp"; mkdir -p "$d"; fi
  done
  cat "$LAB_STATE/created-mountpoints.tmp" >> "$LAB_STATE/created-mountpoints"
  rm -f "$LAB_STATE/created-mountpoints.tmp"
}
remove_host_mountpoints() {
  [[ -f $LAB_STATE/created-mountpoints ]] || return 0
  local d
  # deepest first
  sort -r -u "$LAB_STATE/created-mountpoints" | while read -r d; do rmdir "$d" 2>/dev/null || true; done
  rm -f "$LAB_STATE/created-mountpoints"
}

# is_pid_namespace_init PID: PID is PID 1 of its own PID namespace (NSpid: <host pid> 1)
is_pid_namespace_init() {
  [[ $(awk '$1 == "NSpid:" {print $NF}' "/proc/$1/status" 2>/dev/null) == 1 && $(awk '$1 == "NSpid:" {print NF}' "/proc/$1/status") -gt 2 ]]
}
start_node() {
  local name=$1 dir; dir=$(node_dir "$name")
  local ns; ns=$(node_netns "$name")
  # Expanded here, not in the background job: a command substitution there forks a short-lived
  # child of the launcher that the search below could take for the node's PID 1.
  local ip; ip=$(node_ip "$name")
  create_node_network "$name"
  create_node_cgroups "$name"
  setsid nohup nsenter --net="/run/netns/$ns" -- \
    unshare --mount --uts --pid --fork --mount-proc --propagation private -- \
    bash "$LAB_SCRIPTS/node-init.sh" "$name" "$dir" "$LAB_BIN" "$ip" "$IMAGE_DIR" \
    > "$dir/init.log" 2>&1 < /dev/null 9>&- &
  local launcher=$!
  local child="" pid
  for _ in $(seq 1 50); do
    for pid in $(cat /proc/"$launcher"/task/*/children 2>/dev/null); do
      is_pid_namespace_init "$pid" && child=$pid
    done
    [[ -n $child ]] && break
    sleep 0.1
  done
  [[ -n $child ]] || die "node $name did not start (see $dir/init.log)"
  echo "$launcher" > "$dir/launcher.pid"
  echo "$child" > "$dir/init.pid"
}
