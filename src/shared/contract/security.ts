import { z } from 'zod'
import { event, method } from './define'
import type { SecurityErrorCode } from './error-codes'

/** Reading the CA from disk: what every method that needs the CA may answer with. */
export const caReadErrors: SecurityErrorCode[] = ['ca_unreadable', 'ca_key_insecure']

/** Issuing a workload its own certificate (mesh.bootstrap with `certificates`, `meshdeck bootstrap --certs`). */
export const workloadCertificateErrors: SecurityErrorCode[] = [
  ...caReadErrors,
  'ca_expired',
  'invalid_identity',
  'invalid_trust_domain',
  'trust_domain_mismatch',
  'workload_key_unusable',
  'workload_key_insecure',
]

/** A certificate as the UI shows it; never key material. */
export const certificateSummarySchema = z.object({
  subject: z.string(),
  /** SHA-256 of the DER, AA:BB:… */
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
})
export type CertificateSummaryDto = z.infer<typeof certificateSummarySchema>

export const caInfoSchema = z.discriminatedUnion('state', [
  z.object({
    /** No CA yet: it is made the first time a workload needs a certificate. */
    state: z.literal('absent'),
    dir: z.string(),
    trustDomain: z.string(),
  }),
  z.object({
    state: z.literal('ready'),
    dir: z.string(),
    trustDomain: z.string(),
    /** self-signed: Meshdeck's own root; intermediate: signed by a root the user supplied. */
    kind: z.enum(['self-signed', 'intermediate']),
    generation: z.string(),
    signing: certificateSummarySchema.extend({ issuer: z.string() }),
    root: certificateSummarySchema,
    /** Roots workloads trust now; more than one during a rotation overlap. */
    trustBundle: z.array(certificateSummarySchema.extend({ current: z.boolean(), trustedUntil: z.string().nullable() })),
  }),
])
export type CaInfo = z.infer<typeof caInfoSchema>

export const workloadCertificateSchema = z.object({
  /** namespace/name */
  workload: z.string(),
  namespace: z.string(),
  serviceAccount: z.string(),
  spiffeId: z.string(),
  serial: z.string(),
  issuer: z.string(),
  caGeneration: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  renewAt: z.string(),
  /** Where the workload's cert-chain.pem, key.pem and root-cert.pem are. */
  directory: z.string(),
  lastError: z.string().nullable(),
})
export type WorkloadCertificateDto = z.infer<typeof workloadCertificateSchema>

export const policyConflictSchema = z.object({
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  resources: z.array(z.string()),
  workload: z.string().nullable(),
  port: z.number().int().nullable(),
})
export type PolicyConflictDto = z.infer<typeof policyConflictSchema>

const pathSchema = z.string().min(1).max(4096)

const peerModeSchema = z.enum(['DISABLE', 'PERMISSIVE', 'STRICT'])
const clientTlsModeSchema = z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'])

/** One port of a workload: what it enforces, what its callers send, and what reaches the wire. */
export const mtlsPortStatusSchema = z.object({
  port: z.number().int(),
  /** Service hosts served on this port. */
  hosts: z.array(z.string()),
  /** Effective PeerAuthentication mode, and which level/object decided it. */
  mode: peerModeSchema,
  modeSource: z.enum(['default', 'mesh', 'namespace', 'workload', 'port']),
  modePolicy: z.string().nullable(),
  /** What the proxyless server really listens with: only STRICT serves mTLS. */
  serves: z.enum(['mtls', 'plaintext']),
  /** DestinationRule TLS its callers use, per host/subset (clusters are shared by every caller). */
  callers: z.array(
    z.object({
      host: z.string(),
      subset: z.string().nullable(),
      mode: clientTlsModeSchema,
      source: z.string(),
      rule: z.string().nullable(),
    }),
  ),
  /** AuthorizationPolicies enforced here as RBAC. */
  authorization: z.array(z.string()),
})

export const mtlsWorkloadStatusSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  serviceAccount: z.string(),
  spiffeId: z.string(),
  ports: z.array(mtlsPortStatusSchema),
  /** The certificate Meshdeck issued for it, or null when none was (not a Meshdeck-run workload). */
  certificate: z
    .object({ spiffeId: z.string(), issuer: z.string(), notBefore: z.string(), notAfter: z.string(), renewAt: z.string(), lastError: z.string().nullable() })
    .nullable(),
})

export const mtlsEdgeStatusSchema = z.object({
  /** Caller node id (from its load reports). */
  caller: z.string(),
  /** namespace/name of the caller workload when its node says so. */
  callerWorkload: z.string().nullable(),
  host: z.string(),
  port: z.number().int(),
  subset: z.string().nullable(),
  clientMtls: z.boolean(),
  serverMtls: z.boolean(),
  /** Caller's CDS and every destination server's LDS acknowledged the current config. */
  synced: z.boolean(),
  /** true: mutual TLS on the wire; false: plaintext; null: not known yet (config not acknowledged, or mixed). */
  mtls: z.boolean().nullable(),
})
export type MtlsEdgeStatusDto = z.infer<typeof mtlsEdgeStatusSchema>

export const mtlsStatusSchema = z.object({
  /** False until the control plane serves mesh config. */
  evaluated: z.boolean(),
  trustDomain: z.string(),
  workloads: z.array(mtlsWorkloadStatusSchema),
  edges: z.array(mtlsEdgeStatusSchema),
  conflicts: z.array(policyConflictSchema),
})
export type MtlsStatusDto = z.infer<typeof mtlsStatusSchema>

/** A PeerAuthentication to set from the Security page: a namespace's default, or one workload (its app label). */
export const peerAuthTargetSchema = z
  .object({
    namespace: z.string().min(1).max(253),
    /** The workloads' `app` label; absent for the namespace-wide policy. */
    app: z.string().min(1).max(253).optional(),
  })
  .strict()
export type PeerAuthTarget = z.infer<typeof peerAuthTargetSchema>
export const peerAuthModeSchema = z.enum(['STRICT', 'PERMISSIVE', 'DISABLE'])
export type PeerAuthMode = z.infer<typeof peerAuthModeSchema>
export const peerAuthPreviewSchema = z.object({
  /** The file that would be written (an existing policy's file, or a new one in the mesh folder). */
  file: z.string(),
  /** The policy's name, existing or to be created. */
  name: z.string(),
  currentMode: z.string().nullable(),
  diff: z.array(z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() })),
  /** Hash of the file as previewed; apply with it to refuse writing over someone else's change. */
  baseVersion: z.string(),
})
export const peerAuthApplyResultSchema = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('applied'), file: z.string(), version: z.string() }),
  z.object({ outcome: z.literal('conflict'), message: z.string(), version: z.string() }),
])
const peerAuthErrors: SecurityErrorCode[] = ['peer_auth_not_editable', 'peer_auth_unknown_workload', 'peer_auth_invalid_result']

export const securityMethods = {
  'security.caInfo': method(
    z.object({}).strict(),
    caInfoSchema,
    'The mesh CA: subject, fingerprint and expiry of the signing and root certificates, and the trust bundle.',
    caReadErrors,
  ),
  'security.certificates': method(
    z.object({}).strict(),
    z.object({ certificates: z.array(workloadCertificateSchema) }),
    'Workload certificates Meshdeck issued: SPIFFE identity, issuer, validity and when each renews.',
    [],
  ),
  'security.rotateCa': method(
    z
      .object({
        /** A root certificate and key (PEM files) to sign the new CA under; omit both for a new self-signed root. */
        upstreamCertFile: pathSchema.optional(),
        upstreamKeyFile: pathSchema.optional(),
      })
      .strict()
      .refine((p) => (p.upstreamCertFile === undefined) === (p.upstreamKeyFile === undefined), {
        message: 'give both upstreamCertFile and upstreamKeyFile, or neither',
      }),
    z.object({ ca: caInfoSchema, certificatesSwitchAt: z.string() }),
    'Rotate the mesh CA: workloads trust old and new roots at once, then move to new certificates without dropped connections.',
    [...caReadErrors, 'ca_upstream_invalid'],
  ),
  'security.mtlsStatus': method(
    z.object({}).strict(),
    mtlsStatusSchema,
    'mTLS per workload and port (PeerAuthentication mode, callers’ DestinationRule TLS, certificate), per observed edge whether traffic is mutual TLS, and conflicts with fixes.',
    [],
  ),
  'security.peerAuthPreview': method(
    z.object({ target: peerAuthTargetSchema, mode: peerAuthModeSchema }).strict(),
    peerAuthPreviewSchema,
    'The YAML diff that setting this mTLS mode (PeerAuthentication) for a namespace or one workload would make in the mesh folder. Writes nothing.',
    peerAuthErrors,
  ),
  'security.peerAuthApply': method(
    z.object({ target: peerAuthTargetSchema, mode: peerAuthModeSchema, baseVersion: z.string().optional() }).strict(),
    peerAuthApplyResultSchema,
    'Sets the mTLS mode: validated first, written atomically to the mesh folder (the control plane pushes it). A file changed since the preview is reported as a conflict, never overwritten.',
    peerAuthErrors,
  ),
  'security.conflicts': method(
    z.object({}).strict(),
    z.object({
      /** False until mesh config (PeerAuthentication, DestinationRule…) has been handed to security. */
      evaluated: z.boolean(),
      conflicts: z.array(policyConflictSchema),
    }),
    'mTLS and authorization settings that break traffic or do nothing, each with the fix.',
    [],
  ),
}

export const securityEvents = {
  'security.certificateRenewed': event(
    z.object({ certificate: workloadCertificateSchema, reason: z.enum(['issued', 'scheduled', 'ca-rotated']) }),
    'A workload certificate was issued or renewed (its files on disk were replaced).',
  ),
  'security.caChanged': event(caInfoSchema, 'The mesh CA was created or rotated.'),
}
