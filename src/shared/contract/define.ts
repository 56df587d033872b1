import type { z } from 'zod'
import type { MeshdeckErrorCode } from './error-codes'

/** One API method: what the caller sends and what it gets back, both checked at the boundary. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P
  result: R
  /** One line for docs/api.md and the command palette. */
  summary: string
  /**
   * The codes this method may answer with besides the transport's own (invalid_params, internal…):
   * what a caller should be ready to handle. The router warns about a code thrown that is not here.
   */
  errors: readonly MeshdeckErrorCode[]
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  params: P,
  result: R,
  summary: string,
  errors: readonly MeshdeckErrorCode[],
): MethodSpec<P, R> {
  return { params, result, summary, errors }
}

/** One server-to-renderer event and the payload schema it carries. */
export interface EventSpec<T extends z.ZodType = z.ZodType> {
  payload: T
  summary: string
}

export function event<T extends z.ZodType>(payload: T, summary: string): EventSpec<T> {
  return { payload, summary }
}
