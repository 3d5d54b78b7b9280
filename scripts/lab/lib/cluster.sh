# shellcheck shell=bash disable=SC2206,SC2191,SC2054,SC2120
# The control plane as kubeadm lays it out (static pods on kube-master) and the
# cluster add-ons (RBAC for the lab users, kube-proxy DaemonSet, CoreDNS stand-in).

# static_pod NAME IMAGE COMMAND_JSON EXTRA_VOLUMES_YAML EXTRA_MOUNTS_YAML
static_pod_manifest() {
  local name=$1 command_json=$2 probe_port=$3 probe_scheme=$4
  cat <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $name
  namespace: kube-system
  labels: {component: $name, tier: control-plane}
spec:
  hostNetwork: true
  priorityClassName: system-node-critical
  containers:
  - name: $name
    image: $BASE_IMAGE
    imagePullPolicy: Never
    command: $command_json
    livenessProbe:
      httpGet: {host: 127.0.0.1, path: /healthz, port: $probe_port, scheme: $probe_scheme}
      initialDelaySeconds: 15
      periodSeconds: 10
      timeoutSeconds: 15
      failureThreshold: 8
    volumeMounts:
    - {name: k8s-bin, mountPath: /lab/bin, readOnly: true}
    - {name: k8s-certs, mountPath: /etc/kubernetes/pki, readOnly: true}
    - {name: kubeconfigs, mountPath: /etc/kubernetes/conf, readOnly: true}
    - {name: etcd-data, mountPath: /var/lib/etcd}
  volumes:
  - {name: k8s-bin, hostPath: {path: $LAB_BIN, type: Directory}}
  - {name: k8s-certs, hostPath: {path: /etc/kubernetes/pki, type: DirectoryOrCreate}}
  - {name: kubeconfigs, hostPath: {path: /etc/kubernetes, type: Directory}}
  - {name: etcd-data, hostPath: {path: /var/lib/etcd, type: DirectoryOrCreate}}
YAML
}

json_args() { printf '%s\n' "$@" | jq -R . | jq -cs .; }

controller_manager_args() {
  local allocate=${1:-true}
  local args=(/lab/bin/kube-controller-manager
    --kubeconfig=/etc/kubernetes/conf/controller-manager.conf
    --authentication-kubeconfig=/etc/kubernetes/conf/controller-manager.conf
    --authorization-kubeconfig=/etc/kubernetes/conf/controller-manager.conf
    --bind-address=127.0.0.1
    --client-ca-file=/etc/kubernetes/pki/ca.crt
    --requestheader-client-ca-file=/etc/kubernetes/pki/front-proxy-ca.crt
    --cluster-signing-cert-file=/etc/kubernetes/pki/ca.crt
    --cluster-signing-key-file=/etc/kubernetes/pki/ca.key
    --root-ca-file=/etc/kubernetes/pki/ca.crt
    --service-account-private-key-file=/etc/kubernetes/pki/sa.key
    --use-service-account-credentials=true
    --service-cluster-ip-range=$SERVICE_CIDR
    --cluster-name=netcheck-lab
    --controllers='*,bootstrapsigner,tokencleaner'
    --leader-elect=false
    --node-monitor-grace-period=20s
    --pod-eviction-timeout=30m
    --node-eviction-rate=0 --secondary-node-eviction-rate=0)
  if [[ $allocate == true ]]; then
    args+=(--allocate-node-cidrs=true --cluster-cidr=$POD_CIDR --node-cidr-mask-size=24)
  fi
  json_args "${args[@]}"
}

write_controller_manager_manifest() {
  local allocate=${1:-true}
  local m; m=$(node_dir "$MASTER_NAME")/etc-kubernetes/manifests
  static_pod_manifest kube-controller-manager "$(controller_manager_args "$allocate")" 10257 HTTPS > "$m/.kcm.tmp"
  mv "$m/.kcm.tmp" "$m/kube-controller-manager.yaml"
}

write_control_plane() {
  local ek; ek=$(node_dir "$MASTER_NAME")/etc-kubernetes
  mkdir -p "$ek/pki" "$ek/manifests"
  cp -r "$PKI_DIR"/. "$ek/pki/"
  rm -rf "$ek/pki/users" "$ek/pki/nodes"
  # kubeconfigs where kubeadm puts them (/etc/kubernetes/*.conf); the static pods see that
  # directory read-only at /etc/kubernetes/conf
  make_kubeconfig "$ek/controller-manager.conf" system:kube-controller-manager "$PKI_DIR/users/controller-manager"
  make_kubeconfig "$ek/scheduler.conf" system:kube-scheduler "$PKI_DIR/users/scheduler"
  make_kubeconfig "$ek/admin.conf" kubernetes-admin "$PKI_DIR/users/admin"
  local pki=/etc/kubernetes/pki
  local etcd_args=(/usr/bin/etcd
    --name=$MASTER_NAME --data-dir=/var/lib/etcd
    --listen-client-urls=https://127.0.0.1:2379 --advertise-client-urls=https://127.0.0.1:2379
    --listen-peer-urls=https://127.0.0.1:2380 --initial-advertise-peer-urls=https://127.0.0.1:2380
    --initial-cluster=$MASTER_NAME=https://127.0.0.1:2380
    --listen-metrics-urls=http://127.0.0.1:2381
    --cert-file=$pki/etcd/server.crt --key-file=$pki/etcd/server.key
    --client-cert-auth=true --trusted-ca-file=$pki/etcd/ca.crt
    --peer-cert-file=$pki/etcd/peer.crt --peer-key-file=$pki/etcd/peer.key
    --peer-client-cert-auth=true --peer-trusted-ca-file=$pki/etcd/ca.crt
    --snapshot-count=10000 --quota-backend-bytes=8589934592)
  local apiserver_args=(/lab/bin/kube-apiserver
    --advertise-address=$MASTER_IP --bind-address=0.0.0.0 --secure-port=6443
    --allow-privileged=true --authorization-mode=Node,RBAC
    --client-ca-file=$pki/ca.crt --enable-admission-plugins=NodeRestriction
    --etcd-servers=https://127.0.0.1:2379 --etcd-cafile=$pki/etcd/ca.crt
    --etcd-certfile=$pki/apiserver-etcd-client.crt --etcd-keyfile=$pki/apiserver-etcd-client.key
    --kubelet-client-certificate=$pki/apiserver-kubelet-client.crt --kubelet-client-key=$pki/apiserver-kubelet-client.key
    --kubelet-preferred-address-types=InternalIP,Hostname
    --proxy-client-cert-file=$pki/front-proxy-client.crt --proxy-client-key-file=$pki/front-proxy-client.key
    --requestheader-client-ca-file=$pki/front-proxy-ca.crt --requestheader-allowed-names=front-proxy-client
    --requestheader-extra-headers-prefix=X-Remote-Extra- --requestheader-group-headers=X-Remote-Group
    --requestheader-username-headers=X-Remote-User
    --service-account-issuer=https://kubernetes.default.svc.cluster.local
    --service-account-key-file=$pki/sa.pub --service-account-signing-key-file=$pki/sa.key
    --service-cluster-ip-range=$SERVICE_CIDR
    --tls-cert-file=$pki/apiserver.crt --tls-private-key-file=$pki/apiserver.key
    --max-requests-inflight=1000 --max-mutating-requests-inflight=500
    --event-ttl=2h)
  local scheduler_args=(/lab/bin/kube-scheduler
    --kubeconfig=/etc/kubernetes/conf/scheduler.conf
    --authentication-kubeconfig=/etc/kubernetes/conf/scheduler.conf
    --authorization-kubeconfig=/etc/kubernetes/conf/scheduler.conf
    --bind-address=127.0.0.1 --leader-elect=false)
  static_pod_manifest etcd "$(json_args "${etcd_args[@]}")" 2381 HTTP \
    | sed 's#path: /healthz, port: 2381#path: /health, port: 2381#' > "$ek/manifests/etcd.yaml"
  static_pod_manifest kube-apiserver "$(json_args "${apiserver_args[@]}")" 6443 HTTPS \
    | sed 's#host: 127.0.0.1, path: /healthz, port: 6443#host: '"$MASTER_IP"', path: /livez, port: 6443#' \
    > "$ek/manifests/kube-apiserver.yaml"
  static_pod_manifest kube-scheduler "$(json_args "${scheduler_args[@]}")" 10259 HTTPS > "$ek/manifests/kube-scheduler.yaml"
  write_controller_manager_manifest true
}

addons_yaml() {
  cat <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: netcheck-lab-view, labels: {netcheck-lab: "true"}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: netcheck-view}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: netcheck-lab-no-events, labels: {netcheck-lab: "true"}}
rules:
- apiGroups: [""]
  resources: [nodes, pods, namespaces]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: netcheck-lab-no-events, labels: {netcheck-lab: "true"}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: netcheck-lab-no-events}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: netcheck-no-events}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-proxy, namespace: kube-system, labels: {app: kube-proxy}}
data:
  config.conf: |
    apiVersion: kubeproxy.config.k8s.io/v1alpha1
    kind: KubeProxyConfiguration
    clientConnection:
      kubeconfig: /etc/kubernetes/kube-proxy.conf
    clusterCIDR: $POD_CIDR
    mode: iptables
    conntrack:
      maxPerCore: 0
      min: 0
      tcpEstablishedTimeout: 0s
      tcpCloseWaitTimeout: 0s
    healthzBindAddress: 127.0.0.1:10256
    metricsBindAddress: 127.0.0.1:10249
---
$(kube_proxy_daemonset_yaml)
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  clusterIP: $DNS_SVC_IP
  selector: {k8s-app: kube-dns}
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
  - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}
---
$(coredns_deployment_yaml 0)
YAML
}

# kube_proxy_daemonset_yaml [BROKEN]: the kube-proxy DaemonSet; BROKEN=true points it at a
# config file that does not exist (a typo'd ConfigMap key), so every kube-proxy crash-loops.
kube_proxy_daemonset_yaml() {
  local config_file=config.conf
  [[ ${1:-false} == true ]] && config_file=config.yaml
  cat <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kube-proxy
  namespace: kube-system
  labels: {k8s-app: kube-proxy}
spec:
  selector: {matchLabels: {k8s-app: kube-proxy}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 100%}}
  template:
    metadata: {labels: {k8s-app: kube-proxy}}
    spec:
      hostNetwork: true
      priorityClassName: system-node-critical
      automountServiceAccountToken: false
      tolerations: [{operator: Exists}]
      terminationGracePeriodSeconds: 2
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions: [{key: netcheck-lab/scale, operator: DoesNotExist}]
      containers:
      - name: kube-proxy
        image: $BASE_IMAGE
        imagePullPolicy: Never
        command: [/lab/bin/kube-proxy, --config=/var/lib/kube-proxy/$config_file, --hostname-override=\$(NODE_NAME)]
        env:
        - name: NODE_NAME
          valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
        securityContext: {privileged: true}
        volumeMounts:
        - {name: k8s-bin, mountPath: /lab/bin, readOnly: true}
        - {name: kube-proxy-config, mountPath: /var/lib/kube-proxy}
        - {name: kubeconfig, mountPath: /etc/kubernetes/kube-proxy.conf, readOnly: true}
        - {name: xtables-lock, mountPath: /run/xtables.lock}
        - {name: lib-modules, mountPath: /lib/modules, readOnly: true}
      volumes:
      - {name: k8s-bin, hostPath: {path: $LAB_BIN, type: Directory}}
      - {name: kube-proxy-config, configMap: {name: kube-proxy}}
      - {name: kubeconfig, hostPath: {path: /etc/kubernetes/kube-proxy.conf, type: File}}
      - {name: xtables-lock, hostPath: {path: /run/xtables.lock, type: FileOrCreate}}
      - {name: lib-modules, hostPath: {path: /lib/modules}}
YAML
}

# coredns_deployment_yaml REPLICAS: the CoreDNS stand-in (busybox httpd serving :8181/ready)
coredns_deployment_yaml() {
  cat <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: coredns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
spec:
  replicas: $1
  selector: {matchLabels: {k8s-app: kube-dns}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      priorityClassName: system-cluster-critical
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 1
      tolerations:
      - {key: CriticalAddonsOnly, operator: Exists}
      - {key: node-role.kubernetes.io/master, effect: NoSchedule}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: node-role.kubernetes.io/master, operator: DoesNotExist}
              - {key: netcheck-lab/scale, operator: DoesNotExist}
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 100
            podAffinityTerm:
              topologyKey: kubernetes.io/hostname
              labelSelector: {matchLabels: {k8s-app: kube-dns}}
      containers:
      - name: coredns
        image: $BASE_IMAGE
        imagePullPolicy: Never
        command: [/bin/busybox, httpd, -f, -p, "8181", -h, /www]
        ports:
        - {name: dns, containerPort: 53, protocol: UDP}
        - {name: dns-tcp, containerPort: 53, protocol: TCP}
        - {name: metrics, containerPort: 9153, protocol: TCP}
        - {name: ready, containerPort: 8181, protocol: TCP}
        readinessProbe:
          httpGet: {path: /ready, port: 8181, scheme: HTTP}
          periodSeconds: 2
          timeoutSeconds: 1
          failureThreshold: 1
          successThreshold: 1
YAML
}
