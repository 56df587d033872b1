import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Disposable } from '../../lib/disposable'
import { readLimitedBody } from '../../lib/io/http-body'
import { isAllowedHost } from '../../lib/io/loopback-host'
import { spansFromOtlpJson } from '../otlp-json'
import type { Span } from '../span'
import { defaultSpanTimeWindow, describeRejections, withinTimeWindow, type ParsedSpans, type SpanTimeWindow } from '../span-checks'
import { spansFromZipkinJson } from '../zipkin-json'

export interface TraceCollectorOptions {
  host?: string
  /** 4318 is OTLP/HTTP's usual port; 0 picks a free one. */
  port?: number
  /** How far from now a span may lie (default ±10 min); spans outside are rejected, never counted. */
  timeWindow?: SpanTimeWindow
  now?: () => number
  onSpans: (spans: Span[]) => void
  /** Told of every batch with rejected spans (the collector also keeps the latest ones, see stats()). */
  onRejected?: (rejection: CollectorRejection) => void
}

export interface CollectorRejection {
  at: number
  protocol: 'otlp' | 'zipkin'
  count: number
  message: string
}

export interface CollectorStats {
  acceptedSpans: number
  rejectedSpans: number
  /** The latest batches that had rejected spans, newest last (at most 20). */
  recentRejections: CollectorRejection[]
}

export interface TraceCollector extends Disposable {
  readonly port: number
  /** Where an OTLP/HTTP exporter sends traces, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly otlpUrl: string
  readonly zipkinUrl: string
  stats(): CollectorStats
}

export const maxTraceBodyBytes = 8 * 1024 * 1024
const keptRejections = 20

const protobufHint = 'This collector reads JSON. Configure the exporter for JSON (e.g. OTEL_EXPORTER_OTLP_PROTOCOL=http/json).'

/**
 * Receives spans over OTLP/HTTP (JSON) and Zipkin v2 (JSON), on loopback by default. The spans
 * steer canary rollouts, so the door is narrow: only loopback host names (DNS rebinding), only
 * `application/json` (a web page can send text/plain or form bodies to any port without asking,
 * but JSON needs a CORS preflight this collector never grants), only well-formed ids and times
 * near now. Rejected spans are counted and reported back (OTLP `partialSuccess`).
 */
export async function startTraceCollector(options: TraceCollectorOptions): Promise<TraceCollector> {
  const host = options.host ?? '127.0.0.1'
  const now = options.now ?? Date.now
  const window = options.timeWindow ?? defaultSpanTimeWindow
  const stats: CollectorStats = { acceptedSpans: 0, rejectedSpans: 0, recentRejections: [] }
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(host, req)) {
      return reply(res, 421, { error: 'This collector answers only on its loopback address; send spans to 127.0.0.1 or localhost.' })
    }
    const path = (req.url ?? '').split('?')[0]
    const protocol = path === '/v1/traces' ? 'otlp' : path === '/api/v2/spans' ? 'zipkin' : undefined
    if (req.method !== 'POST' || !protocol) {
      return reply(res, 404, { error: 'Send OTLP/HTTP JSON to POST /v1/traces or Zipkin v2 JSON to POST /api/v2/spans.' })
    }
    const media = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (media === 'application/x-protobuf' || media === 'application/protobuf') return reply(res, 415, { error: protobufHint })
    if (media !== 'application/json') {
      return reply(res, 415, {
        error: `Content-Type ${media === '' ? '(none)' : `"${media}"`} is not accepted: send the spans as JSON with Content-Type: application/json.`,
      })
    }
    const read = await readLimitedBody(req, maxTraceBodyBytes)
    if (!read.ok) {
      if (!read.drained) res.setHeader('Connection', 'close')
      return reply(res, 413, { error: `Trace batch over ${maxTraceBodyBytes} bytes; lower the exporter's batch size.` })
    }
    let parsed: ParsedSpans
    try {
      const body: unknown = JSON.parse(read.body.toString('utf8'))
      parsed = withinTimeWindow(protocol === 'otlp' ? spansFromOtlpJson(body) : spansFromZipkinJson(body), now(), window)
    } catch (err) {
      return reply(res, 400, { error: `Unreadable trace data: ${(err as Error).message}` })
    }
    if (parsed.spans.length > 0) options.onSpans(parsed.spans)
    stats.acceptedSpans += parsed.spans.length
    const message = parsed.rejected.length > 0 ? describeRejections(parsed.rejected) : null
    if (message) {
      const rejection: CollectorRejection = { at: now(), protocol, count: parsed.rejected.length, message }
      stats.rejectedSpans += rejection.count
      stats.recentRejections.push(rejection)
      if (stats.recentRejections.length > keptRejections) stats.recentRejections.shift()
      options.onRejected?.(rejection)
    }
    if (protocol === 'otlp') {
      // OTLP/HTTP: 200 with partialSuccess naming how many spans were refused and why.
      return reply(res, 200, { partialSuccess: message ? { rejectedSpans: String(parsed.rejected.length), errorMessage: message } : {} })
    }
    // Zipkin's API answers 202 Accepted; a batch of which nothing could be kept is a client error.
    if (message && parsed.spans.length === 0) return reply(res, 400, { error: message })
    res.writeHead(202, { 'Content-Length': 0 })
    res.end()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 4318, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    port,
    otlpUrl: `http://${urlHost}:${port}/v1/traces`,
    zipkinUrl: `http://${urlHost}:${port}/api/v2/spans`,
    stats: () => ({ ...stats, recentRejections: [...stats.recentRejections] }),
    dispose: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}
