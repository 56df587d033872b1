/**
 * `work`, or what `onTimeout` gives once `ms` have passed, whichever comes first. The work is not
 * stopped (a system call cannot be), only no longer waited for: it must release what it holds
 * itself when it ends.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms)
  })
  try {
    return await Promise.race([work, timedOut])
  } finally {
    clearTimeout(timer)
  }
}
