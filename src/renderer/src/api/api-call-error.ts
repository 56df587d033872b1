import type { ApiError } from '@shared/contract'

/** A call main answered with `{ ok: false, error }`: the error as data, thrown to the caller. */
export class ApiCallError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
    this.name = 'ApiCallError'
  }
}
