import type { Span } from './span'

/**
 * What the collector refuses, and why. Pure. Spans feed canary analysis and the topology, so a
 * span that cannot be real (malformed ids, timestamps that are not numbers, a time far from now)
 * is turned away at the door instead of being counted: a batch dated in 2100 would otherwise sit
 * in every future analysis window.
 */

/** How far from now a span may lie; outside it the sender's clock (or the sender) is wrong. */
export interface SpanTimeWindow {
  maxPastMs: number
  maxFutureMs: number
}

export const defaultSpanTimeWindow: SpanTimeWindow = { maxPastMs: 10 * 60_000, maxFutureMs: 10 * 60_000 }

/** One refused span, with the reason in words (a few reasons cover a whole batch). */
export interface RejectedSpan {
  reason: string
}

export interface ParsedSpans {
  spans: Span[]
  rejected: RejectedSpan[]
}

/** Lower-case hex of one of the given lengths, and not all zeros (W3C: an all-zero id is invalid). */
export function isHexId(value: unknown, lengths: readonly number[]): value is string {
  return typeof value === 'string' && lengths.includes(value.length) && /^[0-9a-fA-F]+$/.test(value) && !/^0+$/.test(value)
}

/**
 * A timestamp as OTLP (nanosecond decimal string or number) or Zipkin (microsecond number) sends
 * it: a finite non-negative number, or null when it is anything else.
 */
export function timestampOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(value)
  return null
}

/** Why a span's time is not acceptable now, or null when it is. */
export function timeProblem(span: Pick<Span, 'startMs' | 'durationMs'>, now: number, window: SpanTimeWindow): string | null {
  if (!Number.isFinite(span.startMs) || !Number.isFinite(span.durationMs) || span.durationMs < 0) return 'its start or duration is not a number'
  if (span.startMs < now - window.maxPastMs) return `it started more than ${minutes(window.maxPastMs)} before now`
  if (span.startMs + span.durationMs > now + window.maxFutureMs) return `it ends more than ${minutes(window.maxFutureMs)} after now (is the sender's clock right?)`
  return null
}

/** Keeps the spans whose time is acceptable now; the others are rejected with the reason. */
export function withinTimeWindow(parsed: ParsedSpans, now: number, window: SpanTimeWindow): ParsedSpans {
  const spans: Span[] = []
  const rejected = [...parsed.rejected]
  for (const span of parsed.spans) {
    const problem = timeProblem(span, now, window)
    if (problem) rejected.push({ reason: problem })
    else spans.push(span)
  }
  return { spans, rejected }
}

/** One line for a batch's rejections, the commonest reason first: "3000 spans rejected: 3000 × it ends …". */
export function describeRejections(rejected: readonly RejectedSpan[]): string {
  const counts = new Map<string, number>()
  for (const { reason } of rejected) counts.set(reason, (counts.get(reason) ?? 0) + 1)
  const reasons = [...counts].sort((a, b) => b[1] - a[1])
  const shown = reasons.slice(0, 5).map(([reason, n]) => `${n} × ${reason}`)
  if (reasons.length > 5) shown.push(`${reasons.length - 5} more reasons`)
  return `${rejected.length} span${rejected.length === 1 ? '' : 's'} rejected: ${shown.join('; ')}.`
}

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`
}
