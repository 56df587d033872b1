import { z } from 'zod'
import { clusterAccessErrors } from './clusters'
import { event, method } from './define'
import { workloadCertificateErrors } from './security'

/** The four xDS types proxyless gRPC subscribes to. */
export const xdsTypeSchema = z.enum(['LDS', 'RDS', 'CDS', 'EDS'])
export type XdsType = z.infer<typeof xdsTypeSchema>

/**
 * Per client and type, as istioctl proxy-status shows it: SYNCED (the client ACKed the last
 * response), STALE (sent, no answer yet), NACKED (the client rejected it; see the message),
 * NOT SERVED (ACKed, but requested resources are not served: see notServed), NOT SENT (nothing
 * sent yet).
 */
export const proxySyncStatusSchema = z.enum(['SYNCED', 'STALE', 'NACKED', 'NOT SERVED', 'NOT SENT'])
export type ProxySyncStatus = z.infer<typeof proxySyncStatusSchema>

export const meshProblemSchema = z.object({
  /** The analysis code (IST… as Istio's, MDK… Meshdeck's own; docs/analysis.md); absent on problems reading the config. */
  code: z.string().optional(),
  severity: z.enum(['error', 'warning']),
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  /** Istio field path, e.g. spec.http[0].route[1].weight. */
  field: z.string().optional(),
  message: z.string(),
  hint: z.string(),
  file: z.string().optional(),
  line: z.number().int().optional(),
})
export type MeshProblemDto = z.infer<typeof meshProblemSchema>

export const xdsTypeStateSchema = z.object({
  type: xdsTypeSchema,
  status: proxySyncStatusSchema,
  /** Resource names the client asked for. */
  subscribed: z.array(z.string()),
  /** Requested, not served: names the client asked for that the control plane does not have (absent: none). */
  notServed: z.array(z.string()).optional(),
  sentVersion: z.string().nullable(),
  sentNonce: z.string().nullable(),
  sentAt: z.string().nullable(),
  ackedVersion: z.string().nullable(),
  /** The client's own error text when it rejected the last response. */
  nack: z.object({ version: z.string(), message: z.string(), at: z.string() }).nullable(),
})
export type XdsTypeState = z.infer<typeof xdsTypeStateSchema>

export const xdsClientSchema = z.object({
  /** One ADS stream; a node id may hold several (one per channel or process). */
  streamId: z.string(),
  nodeId: z.string(),
  cluster: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  locality: z.object({ region: z.string(), zone: z.string(), subZone: z.string() }),
  userAgent: z.string(),
  /** Where the stream comes from, e.g. ipv4:127.0.0.1:53122. */
  peer: z.string(),
  connectedSince: z.string(),
  types: z.array(xdsTypeStateSchema),
})
export type XdsClient = z.infer<typeof xdsClientSchema>

/** Where the served config or endpoints come from: a watched folder, or a kubeconfig context's cluster. */
export const meshSourceInfoSchema = z.object({
  kind: z.enum(['directory', 'cluster']),
  /** The folder, or the kubeconfig context. */
  name: z.string(),
  /** What it serves, e.g. the Istio API versions read, or that the cluster has no Istio CRDs. */
  detail: z.string(),
})
export type MeshSourceInfoDto = z.infer<typeof meshSourceInfoSchema>

export const controlPlaneStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'failed']),
  /** Where xDS clients dial, host:port. */
  address: z.string().nullable(),
  meshDir: z.string().nullable(),
  /** The config source (folder or cluster CRDs); null when the control plane is not running. */
  configSource: meshSourceInfoSchema.nullable(),
  /** Where Kubernetes Services and their endpoints come from; null without a cluster. */
  endpointSource: meshSourceInfoSchema.nullable(),
  /** Version of the config being served (0 before the first config was read). */
  servedVersion: z.number().int(),
  /** Latest version read from the sources (config version + endpoints version). */
  sourceVersion: z.number().int(),
  streams: z.number().int(),
  nodes: z.number().int(),
  byStatus: z.record(proxySyncStatusSchema, z.number().int()),
  /** What is wrong in the mesh config now; errors keep the last good config serving. */
  problems: z.array(meshProblemSchema),
  /** Kind/namespace/name of objects whose current text has errors: their last good version (if any) serves instead. */
  rejected: z.array(z.string()),
  lastPushAt: z.string().nullable(),
})
export type ControlPlaneStatus = z.infer<typeof controlPlaneStatusSchema>

export const configDumpSchema = z.object({
  nodeId: z.string(),
  streams: z.array(
    z.object({
      streamId: z.string(),
      types: z.array(
        z.object({
          type: xdsTypeSchema,
          version: z.string().nullable(),
          nonce: z.string().nullable(),
          /** Exactly what was last sent, in Envoy config-dump JSON. */
          resources: z.array(z.record(z.string(), z.unknown())),
        }),
      ),
    }),
  ),
})
export type ConfigDump = z.infer<typeof configDumpSchema>

export const clusterLoadSchema = z.object({
  /** `outbound|port|subset|host`. */
  cluster: z.string(),
  host: z.string(),
  port: z.number().int(),
  subset: z.string(),
  requestRate: z.number(),
  errorRate: z.number(),
  inFlight: z.number(),
  callers: z.array(z.string()),
})
export type ClusterLoadDto = z.infer<typeof clusterLoadSchema>

const contextName = z.string().min(1).max(253)

/** Where served endpoints come from: none (the config's own WorkloadEntries only), or a kubeconfig context's cluster. */
export const endpointsChoiceSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('none') }).strict(),
  z.object({ from: z.literal('cluster'), context: contextName }).strict(),
])

/**
 * What the embedded control plane should serve. Only a kubeconfig context's name crosses: main reads
 * its credentials from the kubeconfig. Endpoints default to none for the folder and to the same
 * context for a cluster.
 */
export const controlPlaneSourceChoiceSchema = z.discriminatedUnion('config', [
  z.object({ config: z.literal('folder'), endpoints: endpointsChoiceSchema.optional() }).strict(),
  z.object({ config: z.literal('cluster'), context: contextName, endpoints: endpointsChoiceSchema.optional() }).strict(),
])
export type ControlPlaneSourceChoice = z.infer<typeof controlPlaneSourceChoiceSchema>

/** A workload's own certificate for mesh.bootstrap (what `meshdeck bootstrap --certs` takes). */
export const bootstrapCertificatesRequestSchema = z
  .object({
    /** Kubernetes names (DNS labels): the identity spiffe://<trust-domain>/ns/<namespace>/sa/<serviceAccount>. */
    namespace: z.string().min(1).max(63),
    serviceAccount: z.string().min(1).max(63),
    /** Names its folder and its node metadata WORKLOAD_NAME; default: the node id (when it is a valid name). */
    workload: z.string().min(1).max(253).optional(),
    /** Must be the mesh's trust domain (its CA's); a check, not a choice. */
    trustDomain: z.string().min(1).max(255).optional(),
    // No folder choice over the API: a caller with the token must not make Meshdeck write keys
    // anywhere on disk. The files go to <data dir>/workload-certs/<namespace>/<workload>/; the CLI,
    // run by the user as themselves, may pick another folder (`--certs-dir`).
  })
  .strict()
export type BootstrapCertificatesRequest = z.infer<typeof bootstrapCertificatesRequestSchema> & {
  /** CLI only: absolute folder for cert-chain.pem, key.pem, root-cert.pem. */
  certsDir?: string
}

/** Where the issued certificate is and what it says; never key material. */
export const bootstrapCertificatesSchema = z.object({
  spiffeId: z.string(),
  namespace: z.string(),
  serviceAccount: z.string(),
  workload: z.string(),
  directory: z.string(),
  certificateFile: z.string(),
  privateKeyFile: z.string(),
  caCertificateFile: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  renewAt: z.string(),
  /** Deleting this file stops Meshdeck renewing the certificate. */
  registrationFile: z.string(),
})
export type BootstrapCertificatesDto = z.infer<typeof bootstrapCertificatesSchema>

export const meshMethods = {
  'controlPlane.status': method(z.object({}).strict(), controlPlaneStatusSchema, 'Embedded xDS control plane: address, served config version, clients by sync status, config problems.', []),
  'controlPlane.useSource': method(
    controlPlaneSourceChoiceSchema,
    controlPlaneStatusSchema,
    'Serve the mesh folder or a kubeconfig context’s cluster on the running control plane (same port and client streams); on a failure the old source keeps serving.',
    // A cluster source that cannot start keeps the cluster's own code (unreachable, unauthorised…).
    ['unavailable', 'no_mesh_folder', 'source_failed', 'istiod_present', ...clusterAccessErrors],
  ),
  'controlPlane.clients': method(z.object({}).strict(), z.array(xdsClientSchema), 'Connected xDS clients with per-type SYNCED/STALE/NACKED/NOT SERVED/NOT SENT, NACK text and requested names not served.', ['unavailable']),
  'controlPlane.configDump': method(
    z.object({ nodeId: z.string().min(1) }).strict(),
    configDumpSchema,
    'Exactly what the control plane last sent to a node, per stream and type.',
    ['unavailable'],
  ),
  'controlPlane.meshObject': method(
    z.object({ kind: z.string().min(1), namespace: z.string().min(1), name: z.string().min(1) }).strict(),
    z.object({
      /** The object as served (apiVersion, kind, metadata, spec), in YAML. */
      yaml: z.string(),
      /** The file and line it was read from, when it came from the mesh folder. */
      file: z.string().nullable(),
      line: z.number().int().nullable(),
      /** The served config's problems that name this object. */
      problems: z.array(meshProblemSchema),
    }),
    'One mesh config object as the control plane serves it, in YAML, with the problems found in it.',
    ['unavailable', 'not_found'],
  ),
  'controlPlane.loadStats': method(
    z.object({}).strict(),
    z.array(clusterLoadSchema),
    'Per service/subset request rate, error rate and in-flight calls, from the clients’ load reports (LRS).',
    ['unavailable'],
  ),
  'mesh.bootstrap': method(
    z.object({ nodeId: z.string().min(1).max(253), certificates: bootstrapCertificatesRequestSchema.optional() }).strict(),
    z.object({ bootstrap: z.record(z.string(), z.unknown()), certificates: bootstrapCertificatesSchema.optional() }),
    'The gRPC xDS bootstrap JSON for a workload with this node id, pointing at this control plane. With `certificates`, its SPIFFE certificate is issued from the mesh CA into files the bootstrap names (certificate_providers), renewed while Meshdeck runs; only paths are returned.',
    ['unavailable', ...workloadCertificateErrors],
  ),
}

export const meshEvents = {
  'controlPlane.changed': event(
    z.object({ servedVersion: z.number().int(), streams: z.number().int(), problems: z.number().int() }),
    'The control plane pushed new config, rejected config, or clients came or went.',
  ),
  'controlPlane.sourceChanged': event(
    z.object({ servedVersion: z.number().int(), configSource: meshSourceInfoSchema, endpointSource: meshSourceInfoSchema.nullable() }),
    'The control plane switched what it serves (controlPlane.useSource); clients get the new config in one push.',
  ),
  'controlPlane.clientNacked': event(
    z.object({ nodeId: z.string(), streamId: z.string(), type: xdsTypeSchema, version: z.string(), message: z.string() }),
    'A client rejected config it was sent; message is the client’s own error text.',
  ),
}
