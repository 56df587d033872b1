#!/usr/bin/env bash
# Installs what the test tiers need from Debian: Chromium for the e2e tier (Playwright drives it;
# it never downloads a browser of its own), fonts so screenshots are legible, a real Prometheus
# (the integration tests start their own on loopback; the package's system service is never used),
# and the real kube-apiserver + etcd for the integration tier (built once by scripts/build-test-apiserver.sh, cached).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-test-deps: installing ${need[*]} from Debian"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! [ -x /usr/bin/prometheus ] || ! [ -x /usr/bin/promtool ]; then
  echo "install-test-deps: installing prometheus from Debian"
  sudo_ apt-get update -qq
  # No recommends: they would bring node-exporter and its collectors, which the tests never use.
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi

# The integration tier's Kubernetes: v1.20 built from Debian's source with a reflect2 that current Go
# can run (see the script for why), cached after the first build.
if ! bash "$root/scripts/build-test-apiserver.sh" --check; then echo "install-test-deps: building the test kube-apiserver (once, ~10 min)"; fi
bash "$root/scripts/build-test-apiserver.sh" >/dev/null
echo "install-test-deps: ready"
