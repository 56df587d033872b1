import { z } from 'zod'
import type { CommonErrorCode, MeshdeckErrorCode, TransportErrorCode } from './error-codes'

/** Named constants for the codes every part of Meshdeck shares. */
export const ErrorCode = {
  invalidParams: 'invalid_params',
  invalidResult: 'invalid_result',
  unknownMethod: 'unknown_method',
  unauthorized: 'unauthorized',
  internal: 'internal',
  tooLarge: 'too_large',
  badHost: 'bad_host',
  methodNotAllowed: 'method_not_allowed',
  unreachable: 'unreachable',
  notFound: 'not_found',
  unavailable: 'unavailable',
  cancelled: 'cancelled',
} as const satisfies Record<string, TransportErrorCode | CommonErrorCode>

/** The one error shape that crosses the contract: what went wrong, and what to do about it. */
export const apiErrorSchema = z.object({
  // A string on the wire (a newer main may know more codes); main only ever sends declared ones.
  code: z.string() as z.ZodType<MeshdeckErrorCode>,
  message: z.string(),
  hint: z.string().optional(),
})
export type ApiError = z.infer<typeof apiErrorSchema>

/** Thrown inside main by services; the router turns it into an ApiError. */
export class MeshdeckError extends Error {
  constructor(
    readonly code: MeshdeckErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'MeshdeckError'
  }

  /** Back from data that crossed the contract (a connection's error, an outcome) to something to throw. */
  static from(error: ApiError): MeshdeckError {
    return new MeshdeckError(error.code, error.message, error.hint)
  }

  toApiError(): ApiError {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint }
  }
}

/**
 * Work stopped because its owner stopped it (an aborted signal, a disposed service), not because
 * it failed: callers that cancelled it let it go quietly; anything else reports code `cancelled`.
 */
export class CancelledError extends MeshdeckError {
  constructor(what = 'The operation') {
    super('cancelled', `${what} was cancelled.`, 'Nothing is left running; start it again if it is still wanted.')
    this.name = 'CancelledError'
  }
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError
}

export type CallOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError }
