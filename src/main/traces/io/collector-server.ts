import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gunzip, inflate } from 'node:zlib'
import { promisify } from 'node:util'
import type { Disposable } from '../../lib/disposable'
import { readLimitedBody } from '../../lib/io/http-body'
import { isAllowedHost } from '../../lib/io/loopback-host'
import { Admission, defaultAdmissionLimits, type AdmissionLimits } from '../admission'
import { Ingest, type CollectorRejection, type CollectorStats, type IngestFormat } from '../ingest'
import { otlpProtoResponse, rpcStatusProto } from '../protocol/otlp-proto'
import type { Span } from '../span'
import type { SpanTimeWindow } from '../span-checks'

export type { CollectorRejection, CollectorStats } from '../ingest'

export interface TraceCollectorOptions {
  host?: string
  /** 4318 is OTLP/HTTP's usual port; 0 picks a free one. */
  port?: number
  /** How far from now a span may lie (default ±10 min); spans outside are rejected, never counted. */
  timeWindow?: SpanTimeWindow
  now?: () => number
  /** Largest body accepted, checked after decompression too (default 8 MiB). */
  maxBodyBytes?: number
  /** Bodies being read at once, in bytes and requests; past them the collector answers 503 / 429. */
  admission?: Partial<AdmissionLimits>
  onSpans: (spans: Span[]) => void
  /** Told of every batch with rejected spans and every refused request (see stats() for the latest). */
  onRejected?: (rejection: CollectorRejection) => void
  /** The ingest pipeline to use, when an OTLP/gRPC receiver shares it (its counts then add up). */
  ingest?: Ingest
}

export interface TraceCollector extends Disposable {
  readonly port: number
  /** Where an OTLP/HTTP exporter sends traces, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly otlpUrl: string
  readonly zipkinUrl: string
  readonly zipkinV1Url: string
  stats(): CollectorStats
}

export const maxTraceBodyBytes = 8 * 1024 * 1024

const gunzipAsync = promisify(gunzip)
const inflateAsync = promisify(inflate)

type Encoding = 'json' | 'protobuf'

/** OTLP's google.rpc.Status codes used in error bodies. */
const statusCode = { invalidArgument: 3, resourceExhausted: 8, unavailable: 14, unimplemented: 12 } as const

/**
 * Receives spans over OTLP/HTTP (protobuf and JSON) and Zipkin (v2 JSON and protobuf, v1 JSON),
 * on loopback by default. The spans steer canary rollouts, so the door is narrow: only loopback
 * host names (DNS rebinding), only the protocols' own content types (a web page can send
 * text/plain or form bodies to any port without asking, but JSON and protobuf need a CORS
 * preflight this collector never grants), only well-formed ids and times near now.
 *
 * Answers follow the OTLP specification: 200 with partial_success for partly bad batches, in the
 * request's own encoding; 400 for undecodable bodies; 413 past the size limit, checked after
 * decompression too (so a gzip bomb stops at the limit); 429/503 with Retry-After while too many
 * bodies are being read; errors as a google.rpc.Status. Zipkin answers 202.
 */
export async function startTraceCollector(options: TraceCollectorOptions): Promise<TraceCollector> {
  const host = options.host ?? '127.0.0.1'
  const maxBody = options.maxBodyBytes ?? maxTraceBodyBytes
  const ingest = options.ingest ?? new Ingest({ now: options.now, timeWindow: options.timeWindow, onSpans: options.onSpans, onRejected: options.onRejected })
  const admission = new Admission({ ...defaultAdmissionLimits, ...options.admission })
  const server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(host, req)) {
      return replyJson(res, 421, 'This collector answers only on its loopback address; send spans to 127.0.0.1 or localhost.')
    }
    const path = (req.url ?? '').split('?')[0]
    const route = path === '/v1/traces' ? 'otlp' : path === '/api/v2/spans' ? 'zipkin-v2' : path === '/api/v1/spans' ? 'zipkin-v1' : undefined
    if (req.method !== 'POST' || !route) {
      return replyJson(res, 404, 'Send OTLP/HTTP to POST /v1/traces, Zipkin v2 to POST /api/v2/spans or Zipkin v1 JSON to POST /api/v1/spans.')
    }
    const media = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    const encoding: Encoding | undefined =
      media === 'application/json' ? 'json' : (media === 'application/x-protobuf' || media === 'application/protobuf') && route !== 'zipkin-v1' ? 'protobuf' : undefined
    const format: IngestFormat =
      route === 'otlp' ? (encoding === 'protobuf' ? 'otlp-protobuf' : 'otlp-json') : route === 'zipkin-v1' ? 'zipkin-v1-json' : encoding === 'protobuf' ? 'zipkin-v2-protobuf' : 'zipkin-v2-json'
    const refuse = (status: number, code: number, message: string, headers: Record<string, string> = {}): void => {
      ingest.refuse(format, status, message)
      reply(res, status, encoding ?? 'json', code, message, headers)
    }
    if (!encoding) {
      const accepted = route === 'zipkin-v1' ? 'application/json' : 'application/json or application/x-protobuf'
      return refuse(415, statusCode.invalidArgument, `Content-Type ${media === '' ? '(none)' : `"${media}"`} is not accepted: send the spans as ${accepted}.`)
    }
    const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
    if (!['identity', 'gzip', 'deflate', ''].includes(contentEncoding)) {
      return refuse(415, statusCode.invalidArgument, `Content-Encoding "${contentEncoding}" is not supported: send gzip or no encoding.`)
    }
    const declared = Number(req.headers['content-length'] ?? 0)
    const ticket = admission.enter(Number.isFinite(declared) ? Math.min(declared, maxBody) : maxBody)
    if (!ticket.ok) {
      res.setHeader('Connection', 'close')
      return refuse(ticket.status, ticket.status === 429 ? statusCode.resourceExhausted : statusCode.unavailable, ticket.message, { 'Retry-After': String(ticket.retryAfterSeconds) })
    }
    try {
      const read = await readLimitedBody(req, maxBody)
      if (!read.ok) {
        if (!read.drained) res.setHeader('Connection', 'close')
        return refuse(413, statusCode.invalidArgument, `Trace batch over ${maxBody} bytes; lower the exporter's batch size.`)
      }
      let body: Uint8Array = read.body
      if (contentEncoding === 'gzip' || contentEncoding === 'deflate') {
        try {
          // maxOutputLength stops inflating at the limit: a small bomb never becomes a large buffer.
          body = await (contentEncoding === 'gzip' ? gunzipAsync : inflateAsync)(read.body, { maxOutputLength: maxBody })
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
            return refuse(413, statusCode.invalidArgument, `Trace batch over ${maxBody} bytes once decompressed; lower the exporter's batch size.`)
          }
          return refuse(400, statusCode.invalidArgument, `Unreadable ${contentEncoding} body: ${(err as Error).message}`)
        }
      }
      let outcome
      try {
        outcome = ingest.accept(format, ingest.decode(format, body))
      } catch (err) {
        return refuse(400, statusCode.invalidArgument, `Unreadable trace data: ${(err as Error).message}`)
      }
      if (route === 'otlp') {
        // OTLP/HTTP: 200 with partialSuccess naming how many spans were refused and why.
        if (encoding === 'protobuf') return replyBytes(res, 200, 'application/x-protobuf', otlpProtoResponse(outcome.rejected, outcome.message))
        return replyBody(res, 200, { partialSuccess: outcome.message ? { rejectedSpans: String(outcome.rejected), errorMessage: outcome.message } : {} })
      }
      // Zipkin's API answers 202 Accepted; a batch of which nothing could be kept is a client error.
      if (outcome.message && outcome.accepted === 0) return reply(res, 400, encoding, statusCode.invalidArgument, outcome.message)
      res.writeHead(202, { 'Content-Length': 0 })
      res.end()
    } finally {
      ticket.leave()
    }
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
    zipkinV1Url: `http://${urlHost}:${port}/api/v1/spans`,
    stats: () => ingest.stats(),
    dispose: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** An error answer in the request's encoding: a google.rpc.Status (JSON also carries `error`, the same text). */
function reply(res: ServerResponse, status: number, encoding: Encoding, code: number, message: string, headers: Record<string, string> = {}): void {
  if (encoding === 'protobuf') return replyBytes(res, status, 'application/x-protobuf', rpcStatusProto(code, message), headers)
  replyBody(res, status, { code, message, error: message }, headers)
}

function replyJson(res: ServerResponse, status: number, message: string): void {
  replyBody(res, status, { error: message })
}

function replyBody(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

function replyBytes(res: ServerResponse, status: number, type: string, bytes: Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'Content-Type': type, 'Content-Length': bytes.byteLength })
  res.end(bytes)
}
