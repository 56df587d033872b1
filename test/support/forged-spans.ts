import { randomBytes } from 'node:crypto'

/**
 * The probe's forgery: `pairs` successful frontend → reviews/<subset> calls as OTLP/HTTP JSON,
 * each a client span and the server span it caused, all at `atMs` (e.g. a date in 2100).
 */
export function forgedOtlpCalls(pairs: number, atMs: number, subset = 'v3'): unknown {
  const clients: unknown[] = []
  const servers: unknown[] = []
  for (let i = 0; i < pairs; i++) {
    const traceId = randomBytes(16).toString('hex')
    const clientId = randomBytes(8).toString('hex')
    const start = BigInt(Math.round(atMs)) * 1_000_000n
    const end = start + 5_000_000n
    clients.push({ traceId, spanId: clientId, name: 'reviews.Reviews/Get', kind: 3, startTimeUnixNano: String(start), endTimeUnixNano: String(end), status: { code: 1 } })
    servers.push({ traceId, spanId: randomBytes(8).toString('hex'), parentSpanId: clientId, name: 'reviews.Reviews/Get', kind: 2, startTimeUnixNano: String(start + 1n), endTimeUnixNano: String(end - 1n), status: { code: 1 } })
  }
  const resource = (attributes: Record<string, string>): unknown => ({ attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: { stringValue: value } })) })
  return {
    resourceSpans: [
      { resource: resource({ 'service.name': 'frontend' }), scopeSpans: [{ spans: clients }] },
      { resource: resource({ 'service.name': 'reviews', 'service.version': subset }), scopeSpans: [{ spans: servers }] },
    ],
  }
}

/** The year-2100 instant the probe dated its spans at. */
export const year2100 = Date.UTC(2100, 0, 1)
