const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Parses an Istio duration ("500ms", "1.5s", "2m", "1h") to milliseconds; null when it is not one.
 * Istio accepts Go/protobuf duration strings; a single number+unit covers what people write.
 */
export function parseDuration(text: unknown): number | null {
  if (typeof text !== 'string') return null
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim())
  if (!match) return null
  return Math.round(Number(match[1]) * (unitMs[match[2] as string] as number))
}

/** Milliseconds as a protobuf Duration in config-dump JSON. */
export function toProtoDuration(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000)
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 }
}
