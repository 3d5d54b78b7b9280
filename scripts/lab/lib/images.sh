# shellcheck shell=bash
# Builds the lab's two local images as OCI archives (no registry, no pulls):
#   netcheck.local/lab/pause:v1  - Kubernetes' pause.c compiled with gcc -static
#   netcheck.local/lab/base:v1   - busybox-static + iptables(nft)/conntrack/etcd with their libraries
# Both are imported into every node's containerd with `ctr -n k8s.io images import`.

PAUSE_IMAGE=netcheck.local/lab/pause:v1
BASE_IMAGE=netcheck.local/lab/base:v1
IMAGE_DIR=$LAB_CACHE/images

# copy_with_libs ROOTFS FILE...: copies files and their shared-library closure into ROOTFS
copy_with_libs() {
  local rootfs=$1; shift
  local f lib
  for f in "$@"; do
    mkdir -p "$rootfs$(dirname "$f")"
    cp -aL "$f" "$rootfs$f"
    while read -r lib; do
      [[ -n $lib && -e $lib ]] || continue
      mkdir -p "$rootfs$(dirname "$lib")"
      [[ -e $rootfs$lib ]] || cp -L "$lib" "$rootfs$lib"
    done < <(ldd "$f" 2>/dev/null | awk '/=>/ {print $3} /^[ \t]*\/lib/ {print $1}')
  done
}

make_base_rootfs() {
  local rootfs=$1 app
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,var/run,run,proc,sys,dev,root,www}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  while read -r app; do
    [[ -e $rootfs/$app ]] || ln -s /bin/busybox "$rootfs/$app"
  done < <(/bin/busybox --list-full)
  # iptables (nft backend, like the nodes' own) and conntrack for kube-proxy; etcd for the master.
  copy_with_libs "$rootfs" /usr/sbin/xtables-nft-multi /usr/sbin/conntrack /usr/bin/etcd \
    /usr/lib/x86_64-linux-gnu/xtables/*.so
  for app in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
    rm -f "$rootfs/usr/sbin/$app" "$rootfs/sbin/$app"
    ln -s xtables-nft-multi "$rootfs/usr/sbin/$app"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  echo ok > "$rootfs/www/ready"
}

make_pause_rootfs() {
  local rootfs=$1
  mkdir -p "$rootfs"
  cp "$LAB_BIN/pause" "$rootfs/pause"
}

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# write_oci_archive ROOTFS NAME ENTRYPOINT_JSON OUT.tar
write_oci_archive() {
  local rootfs=$1 name=$2 entrypoint=$3 out=$4
  local work; work=$(mktemp -d)
  mkdir -p "$work/blobs/sha256"
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$rootfs" -cf "$work/layer.tar" .
  local layer_digest layer_size
  layer_digest=$(sha256_of "$work/layer.tar"); layer_size=$(stat -c %s "$work/layer.tar")
  mv "$work/layer.tar" "$work/blobs/sha256/$layer_digest"
  jq -cn --arg diff "sha256:$layer_digest" --argjson ep "$entrypoint" '{
      architecture: "amd64", os: "linux",
      config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Entrypoint: $ep, WorkingDir: "/"},
      rootfs: {type: "layers", diff_ids: [$diff]}}' > "$work/config.json"
  local config_digest config_size
  config_digest=$(sha256_of "$work/config.json"); config_size=$(stat -c %s "$work/config.json")
  mv "$work/config.json" "$work/blobs/sha256/$config_digest"
  jq -cn --arg cd "sha256:$config_digest" --argjson cs "$config_size" \
         --arg ld "sha256:$layer_digest" --argjson ls "$layer_size" '{
      schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
      layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]}' > "$work/manifest.json"
  local manifest_digest manifest_size
  manifest_digest=$(sha256_of "$work/manifest.json"); manifest_size=$(stat -c %s "$work/manifest.json")
  mv "$work/manifest.json" "$work/blobs/sha256/$manifest_digest"
  jq -cn --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg name "$name" '{
      schemaVersion: 2,
      manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
                   platform: {architecture: "amd64", os: "linux"},
                   annotations: {"io.containerd.image.name": $name, "org.opencontainers.image.ref.name": ($name | split(":") | last)}}]}' \
      > "$work/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$work/oci-layout"
  tar -C "$work" -cf "$out.tmp" oci-layout index.json blobs
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

# build_images: (re)builds the OCI archives when missing or older than their inputs
build_images() {
  mkdir -p "$IMAGE_DIR"
  local stamp="$IMAGE_DIR/.inputs-v2"
  if [[ -f $IMAGE_DIR/pause.tar && -f $IMAGE_DIR/base.tar && -f $stamp ]]; then
    return 0
  fi
  log "building local images (pause, base)"
  local tmp; tmp=$(mktemp -d)
  make_pause_rootfs "$tmp/pause"
  write_oci_archive "$tmp/pause" "$PAUSE_IMAGE" '["/pause"]' "$IMAGE_DIR/pause.tar"
  make_base_rootfs "$tmp/base"
  write_oci_archive "$tmp/base" "$BASE_IMAGE" '["/bin/sh"]' "$IMAGE_DIR/base.tar"
  rm -rf "$tmp"
  touch "$stamp"
}
