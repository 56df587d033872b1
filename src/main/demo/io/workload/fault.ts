import { status } from '@grpc/grpc-js'
import type { FaultCode, FaultKnobs } from '../../ipc'

export interface FaultDecision {
  delayMs: number
  /** The gRPC status to fail with, or null to serve normally. */
  fail: { code: status; details: string } | null
}

/**
 * Decides what a fault knob does to one RPC. Pure: the random draw comes in as a number in [0, 1),
 * so a test can drive every branch without chance.
 */
export function decideFault(knobs: FaultKnobs, draw: number, workload: string): FaultDecision {
  const failing = knobs.errorRate > 0 && draw < knobs.errorRate
  return {
    delayMs: knobs.latencyMs,
    fail: failing
      ? { code: status[knobs.errorCode as FaultCode], details: `fault injected by ${workload} (error rate ${knobs.errorRate})` }
      : null,
  }
}
