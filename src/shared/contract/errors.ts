import { z } from 'zod'

/** The one error shape that crosses the contract: what went wrong, and what to do about it. */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
})
export type ApiError = z.infer<typeof apiErrorSchema>

/** Thrown inside main by services; the router turns it into an ApiError. */
export class MeshdeckError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'MeshdeckError'
  }

  toApiError(): ApiError {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint }
  }
}

/** Codes every transport and service agree on. Domains may add their own. */
export const ErrorCode = {
  invalidParams: 'invalid_params',
  invalidResult: 'invalid_result',
  unknownMethod: 'unknown_method',
  unauthorized: 'unauthorized',
  internal: 'internal',
  notFound: 'not_found',
  unavailable: 'unavailable',
} as const

export type CallOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiError }
