import {
  Client,
  type ChannelCredentials,
  Metadata,
  Server,
  ServerCredentials,
  credentials,
  status,
  type ServiceError,
  type ServerUnaryCall,
  type sendUnaryData,
} from '@grpc/grpc-js'
import { register } from '@grpc/grpc-js-xds'

/**
 * Real gRPC on loopback for xDS tests: a tiny echo service (JSON-encoded, no .proto needed) served
 * by plain grpc-js servers, and clients that dial `xds:///name` through real grpc-js-xds.
 */
register()

const path = '/demo.Echo/Call'
const encode = (value: unknown): Buffer => Buffer.from(JSON.stringify(value))
const decode = (buffer: Buffer): Record<string, unknown> => JSON.parse(buffer.toString()) as Record<string, unknown>

/** The channel option grpc-js-xds 1.14 reads for a per-channel bootstrap (test-only by its name). */
export const perChannelBootstrapOption = 'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config'

export interface Backend {
  name: string
  port: number
  /** Requests served, including ones answered with an error. */
  calls: number
  /** While true, every request is answered UNAVAILABLE (a backend that starts failing). */
  failing: boolean
  dispose(): Promise<void>
}

export interface BackendOptions {
  name: string
  /** Fail the first attempt of every request id (metadata x-request-id) with UNAVAILABLE. */
  failFirstAttempt?: boolean
  /** Address to listen on; 127.0.0.1 unless a test needs one that core/v1 Endpoints accept (not loopback). */
  host?: string
}

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const server = new Server()
  const attempts = new Map<string, number>()
  const backend: Backend = { name: options.name, port: 0, calls: 0, failing: false, dispose: async () => undefined as void }
  server.register(
    path,
    (call: ServerUnaryCall<Record<string, unknown>, Record<string, unknown>>, callback: sendUnaryData<Record<string, unknown>>) => {
      backend.calls += 1
      const id = String(call.metadata.get('x-request-id')[0] ?? '')
      const n = (attempts.get(id) ?? 0) + 1
      attempts.set(id, n)
      if (backend.failing) {
        callback({ code: status.UNAVAILABLE, details: `${options.name} is failing` })
        return
      }
      if (options.failFirstAttempt && n === 1) {
        callback({ code: status.UNAVAILABLE, details: `${options.name} fails first attempts` })
        return
      }
      callback(null, { backend: options.name, attempt: n })
    },
    encode,
    decode,
    'unary',
  )
  backend.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host ?? '127.0.0.1'}:0`, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  )
  backend.dispose = () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()))
  return backend
}

export interface CallOutcome {
  backend?: string
  attempt?: number
  code: number
  details?: string
  ms: number
  /** What the server saw of the caller (servers that report it): e.g. its certificate's SAN. */
  peer?: string
}

export interface XdsTestClient {
  call(headers?: Record<string, string>, deadlineMs?: number): Promise<CallOutcome>
  close(): void
}

/**
 * A real grpc-js-xds channel to `xds:///target` with its own bootstrap (so its own node id and ADS
 * stream). `ownSubchannels` gives it a subchannel pool of its own, as a channel in a process of its
 * own has: grpc-js's shared pool is a list scanned per lookup, so hundreds of channels to one
 * target in one process cost each other quadratic time that real workloads never pay.
 */
export function xdsClient(target: string, bootstrap: object, channelCredentials: ChannelCredentials = credentials.createInsecure(), ownSubchannels = false): XdsTestClient {
  const client = new Client(`xds:///${target}`, channelCredentials, {
    [perChannelBootstrapOption]: JSON.stringify(bootstrap),
    ...(ownSubchannels ? { 'grpc.use_local_subchannel_pool': 1 } : {}),
  })
  let next = 0
  return {
    call: (headers = {}, deadlineMs = 5000) =>
      new Promise<CallOutcome>((resolve) => {
        const metadata = new Metadata()
        metadata.set('x-request-id', `${process.pid}-${next++}-${Math.random()}`)
        for (const [key, value] of Object.entries(headers)) metadata.set(key, value)
        const started = performance.now()
        client.makeUnaryRequest(path, encode, decode, {}, metadata, { deadline: Date.now() + deadlineMs }, (err: ServiceError | null, value?: Record<string, unknown>) => {
          const ms = performance.now() - started
          if (err) resolve({ code: err.code, details: err.details, ms })
          else resolve({ code: status.OK, backend: String(value?.backend), attempt: Number(value?.attempt), ms, peer: value?.peer as string | undefined })
        })
      }),
    close: () => client.close(),
  }
}

/** Runs `total` calls with `concurrency` in flight; returns the outcomes in completion order. */
export async function callMany(client: XdsTestClient, total: number, concurrency = 20, headers?: Record<string, string>): Promise<CallOutcome[]> {
  const outcomes: CallOutcome[] = []
  let started = 0
  const worker = async (): Promise<void> => {
    while (started < total) {
      started += 1
      outcomes.push(await client.call(headers))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}

export function countBy(outcomes: readonly CallOutcome[], key: (o: CallOutcome) => string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const outcome of outcomes) counts[key(outcome)] = (counts[key(outcome)] ?? 0) + 1
  return counts
}

/** Polls until `check` returns a value (not undefined) or the timeout passes. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
