#!/usr/bin/env bash
# Builds the real Kubernetes control plane the integration tier runs (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler; v1.20 from Debian's source package), once, and prints the
# folder that holds them (the layout envtest calls KUBEBUILDER_ASSETS).
#
# Why not the plain v1.20 build: it vendors modern-go/reflect2 1.0.1, which faults under Go >= 1.18
# the first time the apiserver encodes a custom resource (json-iterator's map encoder), so every
# Istio CRD object written to it kills the apiserver. Debian ships reflect2 1.0.2, which works with
# current Go; this build vendors that instead. Nothing else changes.
#
# usage:  KUBEBUILDER_ASSETS="$(bash scripts/build-test-apiserver.sh)"   # ~10 min on 2 cores once, then cached
#         bash scripts/build-test-apiserver.sh --check                    # exit 0 if cached
# cache:  ${MESHDECK_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshdeck/kube-1.20}
# Progress goes to stderr; only the path goes to stdout.
set -euo pipefail
cache="${MESHDECK_KUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshdeck/kube-1.20}"
assets="$cache/assets"
binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler)
have() { for bin in "${binaries[@]}"; do [ -x "$assets/$bin" ] || return 1; done; }
if [ "${1:-}" = "--check" ]; then have; exit $?; fi
if have; then echo "$assets"; exit 0; fi

log() { echo "build-test-apiserver: $*" >&2; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
mkdir -p "$cache"
exec 9>"$cache/.lock"; flock 9
if have; then echo "$assets"; exit 0; fi

reflect2=/usr/share/gocode/src/github.com/modern-go/reflect2
need=()
command -v go >/dev/null || need+=(golang-go)
command -v etcd >/dev/null || need+=(etcd-server)
command -v make >/dev/null || need+=(make)
command -v rsync >/dev/null || need+=(rsync)
[ -f "$reflect2/reflect2.go" ] || need+=(golang-github-modern-go-reflect2-dev)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} from Debian"
  sudo_ apt-get update -qq >&2 || true
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

work="$cache/src"; rm -rf "$work"; mkdir -p "$work/lists/partial"
trap 'rm -rf "$work"' EXIT
echo "deb-src http://deb.debian.org/debian bookworm main" > "$work/sources.list"
apt_src=(apt-get -o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$work/lists" -o APT::Sandbox::User=root)
log "fetching Debian's kubernetes source package"
"${apt_src[@]}" update -qq >&2
(cd "$work" && "${apt_src[@]}" source --download-only -qq kubernetes >&2)
tarball=$(ls "$work"/kubernetes_*.orig.tar.gz | head -1)
src="$work/k8s"; mkdir -p "$src"; tar xzf "$tarball" -C "$src" --strip-components=1

log "vendoring modern-go/reflect2 from Debian ($(sed -n 's/^module //p' "$reflect2/go.mod" 2>/dev/null || echo reflect2))"
rm -rf "$src/vendor/github.com/modern-go/reflect2"
mkdir -p "$src/vendor/github.com/modern-go/reflect2"
cp "$reflect2"/*.go "$reflect2"/*.s "$src/vendor/github.com/modern-go/reflect2/"

log "building kube-apiserver, kube-controller-manager, kube-scheduler (several minutes)"
(
  cd "$src"
  export GOPATH="$src/.go" CGO_ENABLED=0 HOME="$work/home" GOFLAGS=
  mkdir -p "$GOPATH/src/k8s.io" "$HOME"
  ln -sfn ../../.. "$GOPATH/src/k8s.io/kubernetes"
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >&2
)
tmp="$assets.tmp"; rm -rf "$tmp"; mkdir -p "$tmp"
cp "$src"/_output/bin/kube-apiserver "$src"/_output/bin/kube-controller-manager "$src"/_output/bin/kube-scheduler "$tmp/"
cp "$(command -v etcd)" "$tmp/etcd"
rm -rf "$assets"; mv "$tmp" "$assets"
log "ready: $assets"
echo "$assets"
