#!/usr/bin/env bash
# Generates the trace collector's protobuf codecs (protobufjs static code) from the vendored,
# official .proto files in resources/protos. The output is committed; rerun after updating them.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/main/traces/protocol/generated
mkdir -p "$out"
protos=(
  resources/protos/opentelemetry/proto/collector/trace/v1/trace_service.proto
  resources/protos/zipkin/zipkin.proto
  resources/protos/google/rpc/status.proto
)
npx pbjs -t static-module -w es6 --es6 --dependency protobufjs/minimal.js \
  --no-create --no-verify --no-convert --no-delimited --no-typeurl --no-service \
  -p resources/protos -o "$out/protos.js" "${protos[@]}"
npx pbts --no-comments -o "$out/protos.d.ts" "$out/protos.js"
echo "wrote $out/protos.js and protos.d.ts"
