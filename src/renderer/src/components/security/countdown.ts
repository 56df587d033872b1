/** "3 h 12 m", "45 s", "expired 2 m ago": how long until `until`, as a person reads it. */
export function formatRemaining(until: string | number, now: number): string {
  const ms = (typeof until === 'string' ? Date.parse(until) : until) - now
  const text = formatDuration(Math.abs(ms))
  return ms >= 0 ? text : `${text} ago`
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d} d ${h} h`
  if (h > 0) return `${h} h ${m} m`
  if (m > 0) return `${m} m ${s % 60} s`
  return `${s} s`
}

/** Share of a certificate's life already used, 0..1 (for the bar behind the countdown). */
export function lifeUsed(notBefore: string, notAfter: string, now: number): number {
  const start = Date.parse(notBefore)
  const end = Date.parse(notAfter)
  if (end <= start) return 1
  return Math.min(1, Math.max(0, (now - start) / (end - start)))
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}
