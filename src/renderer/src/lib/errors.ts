import type { ApiError } from '@shared/contract'
import { errorTitles, isErrorCode } from '@shared/contract/error-codes'
import { ApiCallError } from '../api/api-call-error'

/** An error as every page shows it: a heading from its code, what went wrong, and what to do. */
export interface PresentedError {
  code: string
  title: string
  message: string
  hint: string | null
}

/**
 * The renderer's one error presenter. Whatever was caught or received — a failed call
 * (ApiCallError), an error that arrived as data (a connection's, a feed's, a log stream's), a
 * thrown Error or anything else — becomes the same four fields, titled from the contract's code.
 */
export function presentError(err: unknown): PresentedError {
  const api = asApiError(err)
  if (api) return { code: api.code, title: titleOf(api.code), message: api.message, hint: api.hint?.trim() || null }
  if (isPresented(err)) return err
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'internal', title: titleOf('internal'), message, hint: null }
}

/** The same on one line (message, then hint): for places with room for a sentence, not a banner. */
export function errorText(err: unknown): string {
  const { message, hint } = presentError(err)
  return hint ? `${message} ${hint}` : message
}

function titleOf(code: string): string {
  return isErrorCode(code) ? errorTitles[code] : 'Error'
}

function asApiError(err: unknown): ApiError | null {
  if (err instanceof ApiCallError) return err.error
  if (err instanceof Error || typeof err !== 'object' || err === null) return null
  const candidate = err as Partial<ApiError> & { title?: unknown }
  // A PresentedError also has code and message; it carries its own title already.
  if (typeof candidate.code === 'string' && typeof candidate.message === 'string' && candidate.title === undefined) return candidate as ApiError
  return null
}

function isPresented(err: unknown): err is PresentedError {
  const p = err as Partial<PresentedError> | null
  return typeof p === 'object' && p !== null && typeof p.code === 'string' && typeof p.title === 'string' && typeof p.message === 'string'
}
