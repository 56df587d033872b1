import { z } from 'zod'
import { event, method } from './define'
import { clusterAccessErrors } from './clusters'
import { apiErrorSchema } from './errors'

/** The kinds Meshdeck watches. `endpoints` stands in for endpointslices on servers without them. */
export const resourceKindSchema = z.enum([
  'namespaces',
  'nodes',
  'pods',
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'services',
  'endpointslices',
  'events',
])
export type ResourceKind = z.infer<typeof resourceKindSchema>

const base = {
  uid: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  labels: z.record(z.string(), z.string()),
  /** ISO time the object was created. */
  createdAt: z.string().nullable(),
}

const quantities = z.object({ cpu: z.string().nullable(), memory: z.string().nullable(), pods: z.string().nullable() })

export const nodeRowSchema = z.object({
  ...base,
  kind: z.literal('nodes'),
  status: z.enum(['Ready', 'NotReady', 'Unknown']),
  unschedulable: z.boolean(),
  roles: z.array(z.string()),
  version: z.string(),
  internalIP: z.string().nullable(),
  capacity: quantities,
  allocatable: quantities,
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().nullable(), message: z.string().nullable() })),
})

export const containerRowSchema = z.object({
  name: z.string(),
  image: z.string(),
  ready: z.boolean(),
  restarts: z.number().int(),
  /** running | waiting | terminated, with reason for the last two. */
  state: z.string(),
  reason: z.string().nullable(),
  init: z.boolean(),
})

export const podRowSchema = z.object({
  ...base,
  kind: z.literal('pods'),
  phase: z.string(),
  /** What kubectl shows in STATUS: the phase or a more telling reason (CrashLoopBackOff, Terminating...). */
  status: z.string(),
  ready: z.number().int(),
  total: z.number().int(),
  restarts: z.number().int(),
  node: z.string().nullable(),
  ip: z.string().nullable(),
  owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
  containers: z.array(containerRowSchema),
})

export const workloadRowSchema = z.object({
  ...base,
  kind: z.enum(['deployments', 'statefulsets', 'daemonsets', 'replicasets']),
  desired: z.number().int(),
  ready: z.number().int(),
  updated: z.number().int(),
  available: z.number().int(),
  rollout: z.enum(['complete', 'progressing', 'paused', 'failed']),
  message: z.string().nullable(),
  owner: z.object({ kind: z.string(), name: z.string() }).nullable(),
  selector: z.record(z.string(), z.string()),
})

export const serviceRowSchema = z.object({
  ...base,
  kind: z.literal('services'),
  type: z.string(),
  clusterIP: z.string().nullable(),
  ports: z.array(z.string()),
  selector: z.record(z.string(), z.string()),
})

export const endpointSliceRowSchema = z.object({
  ...base,
  kind: z.literal('endpointslices'),
  service: z.string().nullable(),
  ready: z.array(z.string()),
  notReady: z.array(z.string()),
})

export const namespaceRowSchema = z.object({ ...base, kind: z.literal('namespaces'), phase: z.string() })

export const eventRowSchema = z.object({
  ...base,
  kind: z.literal('events'),
  type: z.string(),
  reason: z.string(),
  message: z.string(),
  count: z.number().int(),
  lastSeen: z.string().nullable(),
  involved: z.object({ kind: z.string(), name: z.string(), namespace: z.string().nullable(), uid: z.string().nullable() }),
})

export const resourceRowSchema = z.discriminatedUnion('kind', [
  nodeRowSchema,
  podRowSchema,
  workloadRowSchema,
  serviceRowSchema,
  endpointSliceRowSchema,
  namespaceRowSchema,
  eventRowSchema,
])
export type ResourceRow = z.infer<typeof resourceRowSchema>
export type NodeRow = z.infer<typeof nodeRowSchema>
export type PodRow = z.infer<typeof podRowSchema>
export type WorkloadRow = z.infer<typeof workloadRowSchema>
export type ServiceRow = z.infer<typeof serviceRowSchema>
export type EndpointSliceRow = z.infer<typeof endpointSliceRowSchema>
export type NamespaceRow = z.infer<typeof namespaceRowSchema>
export type EventRow = z.infer<typeof eventRowSchema>

/**
 * How much of a kind this user may see: all namespaces, only the context's namespace, or nothing
 * (RBAC said no; the other kinds still work).
 */
export const accessSchema = z.object({
  scope: z.enum(['cluster', 'namespace', 'none']),
  namespace: z.string().nullable(),
  message: z.string().nullable(),
})

export const feedStateSchema = z.object({
  context: z.string(),
  kind: resourceKindSchema,
  /** syncing: first list running; synced: watching; retrying: lost the watch, backing off. */
  state: z.enum(['syncing', 'synced', 'retrying', 'forbidden', 'failed']),
  access: accessSchema,
  error: apiErrorSchema.nullable(),
})
export type FeedState = z.infer<typeof feedStateSchema>

const feedKey = z.object({ context: z.string().min(1), kind: resourceKindSchema }).strict()

export const resourceSnapshotSchema = z.object({
  feed: feedStateSchema,
  /** Batches with a version at or below this are already included. */
  version: z.number().int(),
  rows: z.array(resourceRowSchema),
})
export type ResourceSnapshot = z.infer<typeof resourceSnapshotSchema>

export const resourceChangeSchema = z.object({
  context: z.string(),
  kind: resourceKindSchema,
  version: z.number().int(),
  upserts: z.array(resourceRowSchema),
  /** uids that left the store (deleted, or gone at a relist). */
  deletes: z.array(z.string()),
})
export type ResourceChange = z.infer<typeof resourceChangeSchema>

export const resourceMethods = {
  'resources.subscribe': method(
    feedKey,
    resourceSnapshotSchema,
    'Start (or share) a live feed of one kind in a connected context; returns the current rows once. Changes follow as resources.changes events.',
    clusterAccessErrors,
  ),
  'resources.snapshot': method(
    feedKey,
    resourceSnapshotSchema,
    'The current rows of a feed this window already subscribed to, to resynchronise after missed change events.',
    ['not_found'],
  ),
  'resources.versions': method(
    z.object({ context: z.string().min(1) }).strict(),
    z.record(z.string(), z.number().int()),
    'The last batch version sent per live kind of a context; a window behind it missed events and resynchronises.',
    [],
  ),
  'resources.unsubscribe': method(feedKey, z.object({ ok: z.literal(true) }), 'Stop a feed this window no longer shows.', []),
  'resources.yaml': method(
    z.object({ context: z.string().min(1), kind: resourceKindSchema, namespace: z.string().nullable(), name: z.string().min(1) }).strict(),
    z.object({ yaml: z.string() }),
    'The full object as YAML, fetched on demand for the detail drawer (Secrets are never fetched).',
    clusterAccessErrors,
  ),
}

export const logOptionsSchema = z
  .object({
    context: z.string().min(1),
    namespace: z.string().min(1),
    pod: z.string().min(1),
    container: z.string().min(1),
    follow: z.boolean(),
    /** The previous (crashed) instance of the container. */
    previous: z.boolean(),
    timestamps: z.boolean(),
    /** How many existing lines to start with. */
    tailLines: z.number().int().min(0).max(100_000),
  })
  .strict()
export type LogOptions = z.infer<typeof logOptionsSchema>

export const logMethods = {
  'logs.start': method(logOptionsSchema, z.object({ streamId: z.string() }), "Stream a container's log; lines follow as logs.lines events until logs.stop or the end.", clusterAccessErrors),
  'logs.stop': method(z.object({ streamId: z.string() }).strict(), z.object({ ok: z.literal(true) }), 'Stop a log stream.', []),
}

export const logEvents = {
  'logs.lines': event(z.object({ streamId: z.string(), lines: z.array(z.string()) }), 'New log lines of a stream, batched.'),
  'logs.ended': event(z.object({ streamId: z.string(), error: apiErrorSchema.nullable() }), 'A log stream ended (the container stopped, the pod went away, or an error).'),
}

export const resourceEvents = {
  'resources.changes': event(
    z.object({ changes: z.array(resourceChangeSchema) }),
    'Batched row changes for every live feed, at most about ten batches a second.',
  ),
  'resources.feed': event(feedStateSchema, 'A feed changed state (synced, retrying, no access...).'),
}
