import { z } from 'zod'
import type { MeshdeckErrorCode } from './index'

/**
 * Error codes are part of the contract. Each domain file declares the codes its services throw in
 * one table (code → a short title, which is also what the UI shows as the error's heading), each
 * method lists the codes it may answer with (`errors` in its MethodSpec), and docs/api.md prints
 * both. `MeshdeckError` only takes a declared code, so a free string fails the typecheck.
 */
export type ErrorCodeTable = Readonly<Record<string, string>>

/** What any method may answer with, whatever it does: the router's and the transports' own refusals. */
export const transportErrorCodes = {
  invalid_params: 'Invalid parameters',
  invalid_result: 'Result outside the contract',
  unknown_method: 'Unknown method',
  unauthorized: 'Not authorised',
  internal: 'Unexpected failure',
  too_large: 'Request too large',
  bad_host: 'Wrong host',
  method_not_allowed: 'HTTP method not allowed',
  /** Said by the renderer's web transport when `meshdeck serve` does not answer at all. */
  unreachable: 'Meshdeck is not answering',
} as const satisfies ErrorCodeTable

/** Codes several domains throw with the same meaning; a method lists the ones it can answer with. */
export const commonErrorCodes = {
  not_found: 'Not found',
  unavailable: 'Not available',
  cancelled: 'Cancelled',
} as const satisfies ErrorCodeTable

export type TransportErrorCode = keyof typeof transportErrorCodes
export type CommonErrorCode = keyof typeof commonErrorCodes

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
