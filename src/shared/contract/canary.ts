import { z } from 'zod'
import { findingSchema } from './analysis'
import { clusterAccessErrors } from './clusters'
import { event, method } from './define'
import type { MeshdeckErrorCode } from './error-codes'

/** Finding the routes: the local control plane's config, or a connected cluster's VirtualServices. */
const targetErrors: MeshdeckErrorCode[] = ['unavailable', 'no_clusters', ...clusterAccessErrors, 'istio_crds_missing']
/** Rewriting one route's weights (a preview writes nothing, but computes the same edit). */
const editErrors: MeshdeckErrorCode[] = [...targetErrors, 'unknown_target', 'not_editable', 'not_a_virtual_service', 'invalid_yaml', 'no_http_routes', 'unknown_route', 'no_destinations']
/** Writing them, and checking the control plane serves what was written. */
const writeErrors: MeshdeckErrorCode[] = [...editErrors, 'owned_by_controller', 'invalid_weights', 'not_served']
/** What a person starts (an Apply, a rollout) is analysed first; an Error it would introduce stops it. */
const checkedWriteErrors: MeshdeckErrorCode[] = [...writeErrors, 'analysis_blocked']
/** A rollout step writes weights too; one written over by someone else meanwhile is a conflict. */
const stepErrors: MeshdeckErrorCode[] = [...writeErrors, 'conflict']

export const routeSelectorSchema = z.union([z.object({ name: z.string().min(1) }).strict(), z.object({ index: z.number().int().nonnegative() }).strict()])

/**
 * One http route of one VirtualService: what a weight editor or a rollout acts on. Without
 * `context` it is the local mesh folder's; with it, the VirtualService object in that kubeconfig
 * context's cluster (only the context's name crosses the contract, never its credentials).
 */
export const canaryTargetRefSchema = z
  .object({
    context: z.string().min(1).optional(),
    namespace: z.string().min(1),
    name: z.string().min(1),
    route: routeSelectorSchema,
  })
  .strict()
export type CanaryTargetRef = z.infer<typeof canaryTargetRefSchema>

// Weights cross the contract as plain numbers; their rules (whole, 0..100, sum 100, known subsets)
// are checked in main so the error can name each problem.
export const weightsSchema = z.record(z.string(), z.number())

export const canaryDestinationSchema = z.object({
  key: z.string(),
  host: z.string(),
  subset: z.string().nullable(),
  weight: z.number(),
})

export const canaryTargetSchema = z.object({
  ref: canaryTargetRefSchema,
  /** Human label, e.g. "reviews › default". */
  label: z.string(),
  host: z.string(),
  file: z.string().nullable(),
  destinations: z.array(canaryDestinationSchema),
  /** Subsets the DestinationRule defines for the host: what weights may name. */
  subsets: z.array(z.string()),
  /** Set when a controller (Flagger, Argo Rollouts) owns the object; Meshdeck then leaves it alone. */
  ownedBy: z.string().nullable(),
  /** How a rollout step learns that the mesh has the new weights (ACKs, or a weaker wait on a cluster). */
  propagation: z.string().nullable(),
})
export type CanaryTarget = z.infer<typeof canaryTargetSchema>

export const diffLineSchema = z.object({ kind: z.enum(['same', 'added', 'removed']), text: z.string() })

export const weightProblemSchema = z.object({ subset: z.string().nullable(), message: z.string(), hint: z.string() })

export const canaryPreviewSchema = z.object({
  diff: z.array(diffLineSchema),
  problems: z.array(weightProblemSchema),
  /**
   * What the mesh analysis would find that it does not now, with these weights (docs/analysis.md).
   * An Error among them blocks Apply (and a rollout start); a Warning does not.
   */
  findings: z.array(findingSchema).optional(),
  /** Fingerprint of the file (or the object's resourceVersion) the preview was made from; apply refuses to overwrite a newer one. */
  baseVersion: z.string(),
})

export const canaryApplyResultSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('applied'),
    version: z.string(),
    /** Anything the user should know about the write, e.g. which field manager gave up spec.http. */
    note: z.string().optional(),
  }),
  z.object({
    outcome: z.literal('conflict'),
    message: z.string(),
    /** What the edit was based on (the previewed version), when Meshdeck still has it. */
    base: z.string().nullable().optional(),
    /** What is in the file (or the cluster) now: someone else's change. */
    current: z.string(),
    /** What Meshdeck would write on top of it. */
    proposed: z.string(),
    version: z.string(),
  }),
])

/** A user's PromQL check (Flagger's MetricTemplate idea): one number per window, judged against min and/or max. */
export const metricCheckSchema = z
  .object({
    name: z.string().max(64),
    /** PromQL; may use {{ namespace }}, {{ target }} (the canary's version), {{ service }}, {{ subset }}, {{ interval }}. */
    query: z.string().max(4000),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .strict()
export type MetricCheckDto = z.infer<typeof metricCheckSchema>

export const analysisThresholdsSchema = z
  .object({
    maxErrorRate: z.number().min(0).max(1),
    maxP99Ms: z.number().positive(),
    minRequests: z.number().int().min(1),
    /** PromQL checks read from Prometheus each window, besides the built-in ones. */
    checks: z.array(metricCheckSchema).max(20).optional(),
  })
  .strict()

export const rolloutPlanSchema = z
  .object({
    steps: z.array(z.number().int().min(1).max(100)).min(1),
    intervalSeconds: z.number().min(1).max(3600),
    analysis: analysisThresholdsSchema,
    /** How long a step waits for every client's ACK before the rollout pauses (or rolls back); default 60. */
    progressDeadlineSeconds: z.number().min(1).max(3600).optional(),
    /** Past the progress deadline: pause (default) or roll back. */
    onProgressDeadline: z.enum(['pause', 'rollback']).optional(),
    /** Where analysis reads: auto (Prometheus where the target has one, else the mesh), mesh (load reports and spans), or prometheus. */
    metricsFrom: z.enum(['auto', 'mesh', 'prometheus']).optional(),
  })
  .strict()

/** Spans reach Meshdeck's trace collector; load reports (LRS) reach its control plane from the clients; Prometheus scrapes Istio's metrics. */
export const metricSourceSchema = z.enum(['spans', 'loadReports', 'prometheus'])
export type MetricSource = z.infer<typeof metricSourceSchema>

export const sourceReadingSchema = z.object({ requests: z.number(), errorRate: z.number(), p99Ms: z.number().nullable() })

export const canaryMetricsSchema = z.object({
  requests: z.number(),
  errorRate: z.number(),
  p99Ms: z.number().nullable(),
  /** Which source each number came from (null: none had it). */
  sources: z.object({ requests: metricSourceSchema.nullable(), errorRate: metricSourceSchema.nullable(), p99Ms: metricSourceSchema.nullable() }).optional(),
  /** Each source's own reading of the window; sources that disagree pause the rollout. */
  readings: z.object({ spans: sourceReadingSchema.optional(), loadReports: sourceReadingSchema.optional(), prometheus: sourceReadingSchema.optional() }).optional(),
  /** Each PromQL check's value this window, with the query as sent. */
  checks: z.array(z.object({ name: z.string(), query: z.string(), value: z.number(), min: z.number().optional(), max: z.number().optional() })).optional(),
  /** Why the window could not be judged (no data, Prometheus unreachable, a query refused): the rollout paused on it. */
  unavailable: z.string().optional(),
})

export const rolloutPhaseSchema = z.enum(['applying', 'analysing', 'paused', 'promoted', 'rolledBack', 'aborted'])

export const rolloutStateSchema = z.object({
  spec: z.object({
    id: z.string(),
    host: z.string(),
    stable: z.string(),
    canary: z.string(),
    others: z.array(z.string()),
    plan: rolloutPlanSchema,
    target: canaryTargetRefSchema,
  }),
  phase: rolloutPhaseSchema,
  stepIndex: z.number().int(),
  pausedFrom: z.enum(['applying', 'analysing']).optional(),
  failure: z
    .object({ ok: z.literal(false), metric: z.enum(['requests', 'errorRate', 'p99Ms', 'check', 'progressDeadline']), value: z.number(), threshold: z.number(), message: z.string(), check: z.string().optional() })
    .optional(),
  timeline: z.array(
    z.object({
      at: z.number(),
      step: z.number().int(),
      canaryPercent: z.number(),
      what: z.string(),
      detail: z.string().optional(),
      metrics: canaryMetricsSchema.optional(),
    }),
  ),
})
export type RolloutStateDto = z.infer<typeof rolloutStateSchema>

export const canaryMethods = {
  'canary.targets': method(
    z.object({ context: z.string().min(1).optional() }).strict(),
    z.object({ targets: z.array(canaryTargetSchema) }),
    'Routes whose traffic can be split: VirtualService http routes with two or more subsets or destinations. With `context`, the VirtualServices of that cluster; otherwise the local mesh folder.',
    targetErrors,
  ),
  'canary.preview': method(
    z.object({ target: canaryTargetRefSchema, weights: weightsSchema }).strict(),
    canaryPreviewSchema,
    'The YAML diff that applying these weights would make, and any problem with them. Writes nothing.',
    editErrors,
  ),
  'canary.apply': method(
    z.object({ target: canaryTargetRefSchema, weights: weightsSchema, baseVersion: z.string().optional() }).strict(),
    canaryApplyResultSchema,
    'Writes the weights (validated and analysed first; atomically, or by server-side apply with field manager `meshdeck` on a cluster). A change made meanwhile by someone else is returned as a conflict with both versions, never overwritten; one the mesh analysis finds an Error in is refused (`analysis_blocked`), and so is any while a rollout that is not paused owns the route (`rollout_running`).',
    [...checkedWriteErrors, 'rollout_running'],
  ),
  'rollout.start': method(
    z.object({ target: canaryTargetRefSchema, stable: z.string().min(1), canary: z.string().min(1), plan: rolloutPlanSchema }).strict(),
    rolloutStateSchema,
    'Starts a progressive rollout: each step applies weights, waits for every client to ACK (pausing, or rolling back, past the plan\'s progress deadline), analyses telemetry, then continues, promotes or rolls back; spans and load reports that disagree pause it.',
    [...stepErrors, 'unknown_subset', 'invalid_plan', 'rollout_running', 'analysis_blocked'],
  ),
  'rollout.control': method(
    z.object({ id: z.string().min(1), action: z.enum(['pause', 'resume', 'abort', 'promoteNow']) }).strict(),
    rolloutStateSchema,
    'Pauses, resumes, aborts (all traffic back to stable) or promotes a rollout now.',
    [...stepErrors, 'not_found', 'rollout_finished'],
  ),
  'rollout.list': method(z.object({}).strict(), z.object({ rollouts: z.array(rolloutStateSchema) }), 'Running rollouts and the history of finished ones, newest first.', []),
}

export const canaryEvents = {
  'rollout.changed': event(rolloutStateSchema, 'A rollout moved: a step applied, ACKed, analysed, paused, promoted or rolled back.'),
}
