import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Disposable } from '../lib/disposable'
import { spansFromOtlpJson } from './otlp-json'
import type { Span } from './span'
import { spansFromZipkinJson } from './zipkin-json'

export interface TraceCollectorOptions {
  host?: string
  /** 4318 is OTLP/HTTP's usual port; 0 picks a free one. */
  port?: number
  onSpans: (spans: Span[]) => void
}

export interface TraceCollector extends Disposable {
  readonly port: number
  /** Where an OTLP/HTTP exporter sends traces, e.g. http://127.0.0.1:4318/v1/traces. */
  readonly otlpUrl: string
  readonly zipkinUrl: string
}

const maxBody = 8 * 1024 * 1024

/** Receives spans over OTLP/HTTP (JSON) and Zipkin v2 (JSON), on loopback by default. */
export async function startTraceCollector(options: TraceCollectorOptions): Promise<TraceCollector> {
  const host = options.host ?? '127.0.0.1'
  const server = createServer((req, res) => void handle(req, res))

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]
    const parse = path === '/v1/traces' ? spansFromOtlpJson : path === '/api/v2/spans' ? spansFromZipkinJson : undefined
    if (req.method !== 'POST' || !parse) {
      return reply(res, 404, { error: 'Send OTLP/HTTP JSON to POST /v1/traces or Zipkin v2 JSON to POST /api/v2/spans.' })
    }
    const type = String(req.headers['content-type'] ?? '')
    if (type.includes('protobuf')) {
      return reply(res, 415, {
        error: 'This collector reads JSON. Configure the exporter for JSON (e.g. OTEL_EXPORTER_OTLP_PROTOCOL=http/json).',
      })
    }
    let text: string
    try {
      text = await readBody(req)
    } catch (err) {
      return reply(res, 413, { error: (err as Error).message })
    }
    let spans: Span[]
    try {
      spans = parse(JSON.parse(text))
    } catch (err) {
      return reply(res, 400, { error: `Unreadable trace data: ${(err as Error).message}` })
    }
    options.onSpans(spans)
    reply(res, 200, path === '/v1/traces' ? { partialSuccess: {} } : {})
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 4318, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  return {
    port,
    otlpUrl: `http://${host}:${port}/v1/traces`,
    zipkinUrl: `http://${host}:${port}/api/v2/spans`,
    dispose: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) {
        reject(new Error(`Trace batch over ${maxBody} bytes; lower the exporter's batch size.`))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}
