import { CancelledError } from '@shared/contract/errors'

/**
 * Waits `ms`, or rejects with a CancelledError as soon as `signal` aborts. The abort listener is removed
 * when the wait ends, so a long rollout polling on one signal does not pile up listeners.
 */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError('The wait'))
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new CancelledError('The wait'))
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
