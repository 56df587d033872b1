import { z } from 'zod'
import { event, method } from './define'

/** gRPC status names a demo fault may answer with (the ones that mean something to a viewer). */
export const demoFaultCodeNames = [
  'UNAVAILABLE',
  'INTERNAL',
  'DEADLINE_EXCEEDED',
  'RESOURCE_EXHAUSTED',
  'PERMISSION_DENIED',
  'UNKNOWN',
] as const
export const demoFaultCodeSchema = z.enum(demoFaultCodeNames)
export type DemoFaultCode = z.infer<typeof demoFaultCodeSchema>

export const demoFaultSchema = z.object({
  /** Fraction of RPCs the workload fails, 0..1. */
  errorRate: z.number().min(0).max(1),
  /** The gRPC status a failing RPC answers with. */
  errorCode: demoFaultCodeSchema,
  /** Added before every RPC the workload serves. */
  latencyMs: z.number().int().min(0).max(60_000),
})
export type DemoFault = z.infer<typeof demoFaultSchema>

/**
 * starting: process launched, not yet serving (an xDS server waits for its Listener);
 * running: serving (or, for the load generator, sending); backoff: crashed, restart scheduled;
 * failed: will not be restarted (bad command line); stopped: the demo was stopped.
 */
export const demoWorkloadStateSchema = z.enum(['starting', 'running', 'backoff', 'failed', 'stopped'])
export type DemoWorkloadState = z.infer<typeof demoWorkloadStateSchema>

export const demoWorkloadSchema = z.object({
  /** Instance name, e.g. reviews-v2 (also its WorkloadEntry name). */
  name: z.string(),
  /** frontend, details, reviews, ratings or loadgen. */
  service: z.string(),
  version: z.string(),
  /** The mesh host clients dial, e.g. reviews.demo.svc.cluster.local; null for the load generator. */
  host: z.string().nullable(),
  /** The loopback port it serves on; null for the load generator. */
  port: z.number().int().positive().nullable(),
  state: demoWorkloadStateSchema,
  pid: z.number().int().positive().nullable(),
  restarts: z.number().int().nonnegative(),
  fault: demoFaultSchema,
  /** Why it is in this state, e.g. the exit code of its last crash. */
  message: z.string().optional(),
})
export type DemoWorkload = z.infer<typeof demoWorkloadSchema>

export const demoLoadSchema = z.object({
  rps: z.number().nonnegative(),
  /** Cumulative since the load generator (re)started. */
  ok: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  failedByCode: z.record(z.string(), z.number().int().nonnegative()),
  /** Successful pages by the reviews workload that served them: how a canary split shows. */
  okByReviews: z.record(z.string(), z.number().int().nonnegative()),
})
export type DemoLoad = z.infer<typeof demoLoadSchema>

export const demoStatusSchema = z.object({
  running: z.boolean(),
  /** The Istio config folder the demo seeded (ServiceEntries, WorkloadEntries, routes). */
  meshDir: z.string().nullable(),
  workloads: z.array(demoWorkloadSchema),
  load: demoLoadSchema.nullable(),
})
export type DemoStatus = z.infer<typeof demoStatusSchema>

export const demoLogLineSchema = z.object({
  at: z.string(),
  /** supervisor lines say what Meshdeck did to the process (started, exited, restarting). */
  stream: z.enum(['stdout', 'stderr', 'supervisor']),
  text: z.string(),
})
export type DemoLogLine = z.infer<typeof demoLogLineSchema>

const workloadName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a workload name like reviews-v2')

export const demoMethods = {
  'demo.status': method(
    z.object({}).strict(),
    demoStatusSchema,
    'The local demo mesh: each workload with its pid, state and restarts, and the load generator counts.',
    [],
  ),
  'demo.setLoad': method(
    z.object({ rps: z.number().min(0).max(1000) }).strict(),
    demoLoadSchema,
    'Set how many requests per second the load generator sends to frontend (0 pauses it).',
    ['unavailable'],
  ),
  'demo.setFault': method(
    z
      .object({
        workload: workloadName,
        errorRate: z.number().min(0).max(1),
        latencyMs: z.number().int().min(0).max(60_000),
        errorCode: demoFaultCodeSchema.optional(),
      })
      .strict(),
    demoWorkloadSchema,
    "Make a demo workload fail a fraction of its RPCs and/or answer slower, e.g. to fail a canary.",
    ['unavailable', 'not_found'],
  ),
  'demo.logs': method(
    z.object({ workload: workloadName, tail: z.number().int().min(1).max(5_000).optional() }).strict(),
    z.object({ workload: z.string(), lines: z.array(demoLogLineSchema) }),
    "The last lines a demo workload printed, like a pod's logs (bounded per workload).",
    ['unavailable', 'not_found'],
  ),
  'demo.restart': method(
    z.object({ workload: workloadName }).strict(),
    demoWorkloadSchema,
    'Stops a demo workload (SIGTERM, then SIGKILL) and starts it again at once with its current fault knobs; answers once the new process is launched.',
    ['unavailable', 'not_found'],
  ),
}

export const demoEvents = {
  'demo.workloadState': event(demoWorkloadSchema, 'A demo workload started, began serving, crashed, restarted, stopped, or had its fault knobs changed.'),
}
