import { isTransportErrorCode, type MeshdeckErrorCode, type MethodName, type MethodSpec } from '@shared/contract'

/**
 * Each method declares the codes it may answer with (docs/api.md lists them), so a caller knows
 * what to handle. A service that throws a code its method does not declare is a gap in those docs:
 * the answer still goes out unchanged, the gap is said once in the log, and the test suites fail
 * on it (test/support/declared-errors.ts).
 */
const seen = new Map<string, { method: MethodName; code: MeshdeckErrorCode }>()

export function isDeclaredFor(spec: Pick<MethodSpec, 'errors'>, code: MeshdeckErrorCode): boolean {
  return isTransportErrorCode(code) || spec.errors.includes(code)
}

export function noteUndeclaredError(method: MethodName, code: MeshdeckErrorCode): void {
  const key = `${method} ${code}`
  if (seen.has(key)) return
  seen.set(key, { method, code })
  console.warn(`meshdeck: ${method} answered with error code "${code}", which its MethodSpec does not declare; add it to the method's errors in src/shared/contract.`)
}

/** Every (method, code) answered so far in this process that the method does not declare. */
export function undeclaredErrors(): { method: MethodName; code: MeshdeckErrorCode }[] {
  return [...seen.values()]
}

/** For a test that provokes an undeclared code on purpose. */
export function forgetUndeclaredErrors(): void {
  seen.clear()
}
