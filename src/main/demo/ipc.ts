import { z } from 'zod'
import { demoFaultSchema, demoLoadSchema, type DemoFault } from '../../shared/contract/demo'

/**
 * Messages on the Node IPC channel between the supervisor (parent) and a demo workload (child).
 * IPC rather than an admin port: only the parent can reach it, so a fault knob cannot be turned by
 * any other local process, and no extra port has to be allocated, bound or secured.
 */

// Relative, not '@shared/contract': the workload also runs under plain tsx, which has no alias.
export { demoFaultCodeSchema as faultCodeSchema, demoFaultSchema as faultKnobsSchema } from '../../shared/contract/demo'
export type { DemoFaultCode as FaultCode, DemoFault as FaultKnobs } from '../../shared/contract/demo'

export const noFault: DemoFault = { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 }

/** What the load generator reports every second; the same shape demo.status shows. */
export const loadStatsSchema = demoLoadSchema
export type LoadStats = z.infer<typeof loadStatsSchema>

export const parentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('setFault'), knobs: demoFaultSchema }),
  z.object({ type: z.literal('setLoad'), rps: z.number().min(0).max(1000) }),
])
export type ParentMessage = z.infer<typeof parentMessageSchema>

export const childMessageSchema = z.discriminatedUnion('type', [
  /** The gRPC server accepts RPCs on this port (for an xDS server: its Listener arrived). */
  z.object({ type: z.literal('serving'), port: z.number().int().positive() }),
  /** The knobs now in force, sent at start and after every change. */
  z.object({ type: z.literal('knobs'), knobs: demoFaultSchema, rps: z.number().nonnegative().nullable() }),
  z.object({ type: z.literal('loadStats'), stats: loadStatsSchema }),
])
export type ChildMessage = z.infer<typeof childMessageSchema>
