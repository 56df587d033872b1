import { dirname, join } from 'node:path'
import type { GrpcObject, MethodDefinition, ServiceDefinition } from '@grpc/grpc-js'
import { loadPackageDefinition } from '@grpc/grpc-js'
import { loadSync, type Options } from '@grpc/proto-loader'
// proto-loader's util gives the protobufjs Root behind a package definition; grpc-js-xds decodes
// resources with the same call, so what we encode is read back by exactly the same schema.
import { loadProtosWithOptionsSync } from '@grpc/proto-loader/build/src/util'
import type { Root, Type } from 'protobufjs'

/**
 * The Envoy API protos ship inside @grpc/grpc-js-xds (deps/…). Using that copy, not our own, keeps
 * the server and the clients on one schema version.
 */
function protoIncludeDirs(): string[] {
  const xdsRoot = dirname(require.resolve('@grpc/grpc-js-xds/package.json'))
  return ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(xdsRoot, 'deps', dir))
}

const loaderOptions: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
}

/** Every message type the control plane encodes into an Any, by full name. */
const resourceProtos = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
]

let root: Root | undefined
function resourceRoot(): Root {
  root ??= loadProtosWithOptionsSync(resourceProtos, { ...loaderOptions, includeDirs: protoIncludeDirs() })
  return root
}

/** The protobufjs type for a type URL such as type.googleapis.com/envoy.config.listener.v3.Listener. */
export function messageType(typeUrl: string): Type {
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1)
  return resourceRoot().lookupType(name)
}

/**
 * Encodes a resource written as Envoy config-dump JSON (snake_case fields, nested Any values as
 * `{ "@type": url, ...fields }`) into protobuf bytes. Throws when a value has the wrong type, so a
 * translation bug fails here rather than in every client.
 */
export function encodeResource(typeUrl: string, resource: object): Uint8Array {
  const type = messageType(typeUrl)
  const message = type.fromObject(resource)
  const problem = type.verify(message)
  if (problem) throw new Error(`${typeUrl}: ${problem}`)
  return type.encode(message).finish()
}

/** Decodes bytes back to config-dump JSON (used by tests and the config dump). */
export function decodeResource(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = messageType(typeUrl)
  return type.toObject(type.decode(bytes), { longs: String, enums: String, defaults: false }) as Record<string, unknown>
}

let discoveryResponseType: Type | undefined
/** A DiscoveryResponse in proto-loader's shape (keepCase); resources are already-encoded Anys. */
export interface DiscoveryResponseFields {
  version_info: string
  resources: readonly { type_url: string; value: Uint8Array }[]
  type_url: string
  nonce: string
}

/**
 * Encodes a whole DiscoveryResponse to the bytes gRPC sends. The ADS server does this once per
 * response content and writes the same Buffer to every stream that gets it (see adsServerService).
 */
export function encodeDiscoveryResponse(response: DiscoveryResponseFields): Buffer {
  discoveryResponseType ??= loadProtosWithOptionsSync(['envoy/service/discovery/v3/discovery.proto'], { ...loaderOptions, includeDirs: protoIncludeDirs() }).lookupType(
    'envoy.service.discovery.v3.DiscoveryResponse',
  )
  const bytes = discoveryResponseType.encode(response).finish()
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * The ADS service for the server side: responses are written as already-encoded Buffers, so
 * serialising one for a stream is free (proto-loader would re-encode the message per stream).
 * Requests are decoded by proto-loader as before.
 */
export function adsServerService(): ServiceDefinition {
  const { ads } = xdsServices()
  const method = ads.StreamAggregatedResources as MethodDefinition<unknown, unknown>
  // Deserialising responses is the client's side; a server never calls it.
  const passThrough: MethodDefinition<unknown, Buffer> = { ...method, responseSerialize: (bytes: Buffer) => bytes, responseDeserialize: (bytes: Buffer) => bytes }
  return { ...ads, StreamAggregatedResources: passThrough }
}

export type AdsServiceDefinition = ServiceDefinition
export type LrsServiceDefinition = ServiceDefinition

interface ServiceHolder {
  service: ServiceDefinition
}

function lookupService(pkg: GrpcObject, path: string[]): ServiceDefinition {
  let node: unknown = pkg
  for (const part of path) node = (node as Record<string, unknown>)[part]
  return (node as ServiceHolder).service
}

let services: { ads: ServiceDefinition; lrs: ServiceDefinition } | undefined
/** The ADS and LRS gRPC service definitions with proto-loader's (de)serialisers. */
export function xdsServices(): { ads: ServiceDefinition; lrs: ServiceDefinition } {
  if (!services) {
    const definition = loadSync(
      ['envoy/service/discovery/v3/ads.proto', 'envoy/service/load_stats/v3/lrs.proto'],
      { ...loaderOptions, includeDirs: protoIncludeDirs() },
    )
    const pkg = loadPackageDefinition(definition)
    services = {
      ads: lookupService(pkg, ['envoy', 'service', 'discovery', 'v3', 'AggregatedDiscoveryService']),
      lrs: lookupService(pkg, ['envoy', 'service', 'load_stats', 'v3', 'LoadReportingService']),
    }
  }
  return services
}
