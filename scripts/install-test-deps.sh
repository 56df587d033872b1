#!/usr/bin/env bash
# Installs what the test tiers need from Debian: Chromium for the e2e tier (Playwright drives it;
# it never downloads a browser of its own), fonts so screenshots are legible, and the real
# kube-apiserver + etcd for the integration tier (built once by ../shared/tools/kube-testenv, cached).
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

testenv="$root/../shared/tools/kube-testenv"
if [ -x "$testenv" ]; then
  if ! "$testenv" --check; then echo "install-test-deps: building the test kube-apiserver (once, ~10 min)"; fi
  "$testenv" >/dev/null
else
  echo "install-test-deps: $testenv not found; the integration tier needs it (set KUBEBUILDER_ASSETS)" >&2
  exit 1
fi
echo "install-test-deps: ready"
