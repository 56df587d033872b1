#!/usr/bin/env bash
# Records what the test stand-ins imitate, from a real kind and a real Docker Engine (run by
# .github/workflows/desktop-and-kind.yml, where both exist): kind's stderr for a good create, a
# taken port, an existing name and a stopped daemon; the Engine API's /_ping, /info,
# /containers/json and /events. Compare with test/fixtures/kind-v0.33.0 and
# test/fixtures/engine-api-v1.56, and replace those stand-ins with these recordings.
set -uo pipefail
out="${1:-recordings}"
mkdir -p "$out"
sock=/var/run/docker.sock
api() { curl -sS --unix-socket "$sock" "http://localhost$1"; }

kind version > "$out/kind-version.txt"
api /version > "$out/engine-version.json"
curl -sS --unix-socket "$sock" -D "$out/ping.headers" -o "$out/ping.body" http://localhost/_ping
api /info > "$out/info.json"

# Every container event while kind works (the stream Meshdeck follows).
curl -sSN --unix-socket "$sock" "http://localhost/events?filters=%7B%22type%22%3A%5B%22container%22%5D%7D" > "$out/events.ndjson" &
events=$!

cat > /tmp/kind-rec.yaml <<'YAML'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: 30080
        hostPort: 38081
  - role: worker
YAML
kind create cluster --name rec --config /tmp/kind-rec.yaml --kubeconfig /tmp/rec.kubeconfig --wait 5m 2> "$out/create-ok.stderr"
echo "exit $?" >> "$out/create-ok.stderr"
api "/containers/json?all=1&filters=%7B%22label%22%3A%5B%22io.x-k8s.kind.cluster%22%5D%7D" > "$out/containers.json"
kind create cluster --name rec --kubeconfig /tmp/rec.kubeconfig 2> "$out/create-name-exists.stderr"
echo "exit $?" >> "$out/create-name-exists.stderr"

python3 -m http.server 38082 --bind 0.0.0.0 > /dev/null 2>&1 &
held=$!
sleep 1
cat > /tmp/kind-port.yaml <<'YAML'
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
  - role: control-plane
    extraPortMappings:
      - containerPort: 80
        hostPort: 38082
YAML
kind create cluster --name ports --config /tmp/kind-port.yaml --kubeconfig /tmp/ports.kubeconfig 2> "$out/create-port-taken.stderr"
echo "exit $?" >> "$out/create-port-taken.stderr"
kill "$held"

kind load docker-image does-not-exist:latest --name rec 2> "$out/load-missing-image.stderr"
echo "exit $?" >> "$out/load-missing-image.stderr"
kind export logs /tmp/kind-rec-logs --name rec > "$out/export-logs.stdout" 2> "$out/export-logs.stderr"
kind delete cluster --name rec --kubeconfig /tmp/rec.kubeconfig 2> "$out/delete.stderr"
sleep 2
kill "$events"

sudo systemctl stop docker.socket docker
kind create cluster --name down --kubeconfig /tmp/down.kubeconfig 2> "$out/create-daemon-down.stderr"
echo "exit $?" >> "$out/create-daemon-down.stderr"
sudo systemctl start docker.socket docker
ls -l "$out"
