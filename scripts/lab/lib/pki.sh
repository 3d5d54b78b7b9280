# shellcheck shell=bash
# PKI made with openssl in kubeadm's layout, and the kubeconfig files built on it.

# make_ca DIR/NAME CN: self-signed CA
make_ca() {
  local base=$1 cn=$2
  openssl genrsa -out "$base.key" 2048 2>/dev/null
  openssl req -x509 -new -nodes -key "$base.key" -subj "/CN=$cn" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign" \
    -out "$base.crt" 2>/dev/null
}

# make_cert CA_BASE OUT_BASE SUBJECT USAGE [SANS]: key + certificate signed by CA
#   USAGE is serverAuth, clientAuth or "serverAuth,clientAuth"; SANS like "DNS:a,IP:1.2.3.4"
make_cert() {
  local ca=$1 out=$2 subject=$3 usage=$4 sans=${5:-}
  local ext; ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    [[ -n $sans ]] && echo "subjectAltName=$sans"
  } > "$ext"
  openssl genrsa -out "$out.key" 2048 2>/dev/null
  openssl req -new -key "$out.key" -subj "$subject" -out "$out.csr" 2>/dev/null
  openssl x509 -req -in "$out.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$out.crt" 2>/dev/null
  rm -f "$out.csr" "$ext"
}

# make_kubeconfig OUT USER CERT_BASE [SERVER]
make_kubeconfig() {
  local out=$1 user=$2 cert=$3 server=${4:-https://$MASTER_IP:6443}
  cat > "$out" <<KC
apiVersion: v1
kind: Config
clusters:
- name: netcheck-lab
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 < "$PKI_DIR/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$cert.crt")
    client-key-data: $(base64 -w0 < "$cert.key")
contexts:
- name: $user
  context: {cluster: netcheck-lab, user: $user}
current-context: $user
KC
  chmod 600 "$out"
}

make_pki() {
  log "making PKI (openssl, kubeadm layout)"
  local p=$PKI_DIR
  rm -rf "$p"; mkdir -p "$p/etcd" "$p/users" "$p/nodes"
  make_ca "$p/ca" kubernetes
  make_ca "$p/front-proxy-ca" front-proxy-ca
  make_ca "$p/etcd/ca" etcd-ca
  make_cert "$p/ca" "$p/apiserver" "/CN=kube-apiserver" serverAuth \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:$MASTER_NAME,DNS:localhost,IP:$KUBERNETES_SVC_IP,IP:$MASTER_IP,IP:127.0.0.1"
  make_cert "$p/ca" "$p/apiserver-kubelet-client" "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
  make_cert "$p/front-proxy-ca" "$p/front-proxy-client" "/CN=front-proxy-client" clientAuth
  make_cert "$p/etcd/ca" "$p/etcd/server" "/CN=$MASTER_NAME" "serverAuth,clientAuth" "DNS:$MASTER_NAME,DNS:localhost,IP:$MASTER_IP,IP:127.0.0.1"
  make_cert "$p/etcd/ca" "$p/etcd/peer" "/CN=$MASTER_NAME" "serverAuth,clientAuth" "DNS:$MASTER_NAME,DNS:localhost,IP:$MASTER_IP,IP:127.0.0.1"
  make_cert "$p/etcd/ca" "$p/etcd/healthcheck-client" "/CN=kube-etcd-healthcheck-client" clientAuth
  make_cert "$p/etcd/ca" "$p/apiserver-etcd-client" "/O=system:masters/CN=kube-apiserver-etcd-client" clientAuth
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  # control-plane and users
  make_cert "$p/ca" "$p/users/admin" "/O=system:masters/CN=kubernetes-admin" clientAuth
  make_cert "$p/ca" "$p/users/controller-manager" "/CN=system:kube-controller-manager" clientAuth
  make_cert "$p/ca" "$p/users/scheduler" "/CN=system:kube-scheduler" clientAuth
  make_cert "$p/ca" "$p/users/kube-proxy" "/CN=system:kube-proxy" clientAuth
  make_cert "$p/ca" "$p/users/view" "/O=netcheck-lab:view/CN=netcheck-view" clientAuth
  make_cert "$p/ca" "$p/users/no-events" "/O=netcheck-lab:no-events/CN=netcheck-no-events" clientAuth
  local name
  for name in $(node_names); do
    make_cert "$p/ca" "$p/nodes/$name" "/O=system:nodes/CN=system:node:$name" clientAuth
  done
  rm -f "$p"/*.srl "$p"/etcd/*.srl
}

# write_lab_kubeconfig: the user's kubeconfig with contexts admin (default), view, no-events
write_lab_kubeconfig() {
  local u ca_data; ca_data=$(base64 -w0 < "$PKI_DIR/ca.crt")
  {
    cat <<KC
apiVersion: v1
kind: Config
clusters:
- name: netcheck-lab
  cluster:
    server: https://$MASTER_IP:6443
    certificate-authority-data: $ca_data
users:
KC
    for u in admin view no-events; do
      cat <<KC
- name: $u
  user:
    client-certificate-data: $(base64 -w0 < "$PKI_DIR/users/$u.crt")
    client-key-data: $(base64 -w0 < "$PKI_DIR/users/$u.key")
KC
    done
    echo "contexts:"
    for u in admin view no-events; do
      echo "- name: $u"
      echo "  context: {cluster: netcheck-lab, user: $u}"
    done
    echo "current-context: admin"
  } > "$KUBECONFIG_FILE.tmp"
  chmod 600 "$KUBECONFIG_FILE.tmp"
  mv "$KUBECONFIG_FILE.tmp" "$KUBECONFIG_FILE"
}
