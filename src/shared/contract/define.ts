import type { z } from 'zod'

/** One API method: what the caller sends and what it gets back, both checked at the boundary. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P
  result: R
  /** One line for docs/api.md and the command palette. */
  summary: string
}

export function method<P extends z.ZodType, R extends z.ZodType>(
  params: P,
  result: R,
  summary: string,
): MethodSpec<P, R> {
  return { params, result, summary }
}

/** One server-to-renderer event and the payload schema it carries. */
export interface EventSpec<T extends z.ZodType = z.ZodType> {
  payload: T
  summary: string
}

export function event<T extends z.ZodType>(payload: T, summary: string): EventSpec<T> {
  return { payload, summary }
}
