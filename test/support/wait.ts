/** Whether a process still exists (signal 0 probes without touching it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Polls `probe` every `intervalMs` until it returns something truthy, and returns that; fails
 * naming `what` after `timeoutMs`. Tests wait on real processes and servers, never on sleeps.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** `promise`, or a failure naming `what` after `timeoutMs`; the timer is cleared either way. */
export async function within<T>(what: string, promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), timeoutMs)))
  try {
    return await Promise.race([promise, expired])
  } finally {
    clearTimeout(timer)
  }
}
