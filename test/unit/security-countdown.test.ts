import { describe, expect, it } from 'vitest'
import { formatDuration, formatRemaining, lifeUsed } from '../../src/renderer/src/components/security/countdown'

describe('the Security page countdown', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  it('reads as a person would say it, at every scale', () => {
    expect(formatDuration(42_000)).toBe('42 s')
    expect(formatDuration(3 * 60_000 + 5_000)).toBe('3 m 5 s')
    expect(formatDuration(5 * 3600_000 + 12 * 60_000)).toBe('5 h 12 m')
    expect(formatDuration(400 * 86400_000 + 3 * 3600_000)).toBe('400 d 3 h')
  })

  it('counts down to a time and says "ago" once it has passed', () => {
    expect(formatRemaining('2026-01-01T13:30:00Z', now)).toBe('1 h 30 m')
    expect(formatRemaining('2026-01-01T11:59:30Z', now)).toBe('30 s ago')
  })

  it('shows how much of a certificate life is used, clamped to 0..1', () => {
    expect(lifeUsed('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', now)).toBe(0.5)
    expect(lifeUsed('2026-01-01T13:00:00Z', '2026-01-02T00:00:00Z', now)).toBe(0)
    expect(lifeUsed('2026-01-01T00:00:00Z', '2026-01-01T06:00:00Z', now)).toBe(1)
  })
})
