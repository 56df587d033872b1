/**
 * The load generator for bench:traces, in its own process so its CPU is not counted as the
 * collector's. It builds every request body first (load-bodies.ts), then sends
 * them over keep-alive connections as fast as the collector answers, and prints one JSON line.
 *
 *   tsx bench/traces/load.ts <otlpUrl> <json|protobuf> <spans> [concurrency]
 */
import { Agent, request } from 'node:http'
import { body, tracesPerRequest } from './load-bodies'

const [url, format, spansArg, concurrencyArg] = process.argv.slice(2)
const totalSpans = Number(spansArg ?? 100_000)
const concurrency = Number(concurrencyArg ?? 4)

async function main(): Promise<void> {
  const requests = Math.ceil(totalSpans / (tracesPerRequest * 7))
  const now = BigInt(Date.now()) * 1_000_000n
  const bodies: (string | Uint8Array)[] = []
  for (let i = 0; i < requests; i++) {
    const b = body(now + BigInt(i) * 10_000_000n, i)
    bodies.push(format === 'json' ? b.json : b.proto)
  }
  const bytes = bodies.reduce((sum, b) => sum + (typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength), 0)
  process.stdout.write(`${JSON.stringify({ ready: true, requests, spans: requests * tracesPerRequest * 7, bytes })}\n`)
  // Wait for the go from the parent, so building the bodies is not inside the measured window.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()))
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const target = new URL(url!)
  const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf'
  let next = 0
  let ok = 0
  let refused = 0
  const started = performance.now()
  const send = (payload: string | Uint8Array): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'Content-Type': contentType, 'Content-Length': typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength } }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      })
      req.on('error', reject)
      req.end(payload)
    })
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const i = next++
        let status = await send(bodies[i]!)
        while (status === 429 || status === 503) {
          refused++
          await new Promise((r) => setTimeout(r, 50))
          status = await send(bodies[i]!)
        }
        if (status === 200) ok++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  process.stdout.write(`${JSON.stringify({ done: true, ok, refused, seconds, cpu: process.cpuUsage() })}\n`)
}

void main()
