import Long from 'long'
import * as protobuf from 'protobufjs/minimal.js'
import { google, opentelemetry, zipkin } from './generated/protos.js'

/**
 * The generated codecs (scripts/gen-protos.sh, from the official .proto files in resources/protos),
 * with protobufjs told to use `long` for 64-bit fields: nanosecond times exceed 2^53, and a bundle
 * cannot rely on protobufjs finding `long` by itself. Pure: no I/O, only the codec runtime.
 */
protobuf.util.Long = Long
protobuf.configure()

export const otlp = opentelemetry.proto
export const zipkinProto = zipkin.proto3
export const rpcStatus = google.rpc.Status

/** A protobuf 64-bit value (Long or number) as an exact unsigned bigint. */
export function uint64Of(value: number | Long | null | undefined): bigint {
  if (value == null) return 0n
  if (typeof value === 'number') return BigInt(Math.max(0, Math.round(value)))
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)
}

export function longOf(value: bigint | number): Long {
  return Long.fromString(String(value), true)
}
