import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { ErrorCode, type ApiError, type CallOutcome, type MeshdeckErrorCode } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { readLimitedBody } from '../../lib/io/http-body'
import { isAllowedHost } from '../../lib/io/loopback-host'
import { contentSecurityPolicy } from '../content-security-policy'
import type { EventBus } from '../event-bus'
import type { Router } from '../router'
import { serveStaticFile } from './static-files'

export interface HttpTransportOptions {
  router: Router
  bus: EventBus
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string
  host?: string
  port?: number
  /** Per-launch secret; generated when not given. */
  token?: string
}

export interface HttpTransport extends Disposable {
  readonly host: string
  readonly port: number
  readonly token: string
  /** The URL a person opens: it carries the token once; the page then keeps it in memory. */
  readonly url: string
}

const maxBodyBytes = 1024 * 1024
/** WebSocket clients send the token as a subprotocol, since browsers cannot set headers on it. */
export const tokenProtocolPrefix = 'meshdeck-token.'

export function generateToken(): string {
  return randomBytes(24).toString('hex')
}

/** Web mode: the built renderer plus `POST /api/<method>` and a `/api/events` WebSocket, token-guarded. */
export async function startHttpTransport(options: HttpTransportOptions): Promise<HttpTransport> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? generateToken()
  const sockets = new Set<WebSocket>()
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has('meshdeck.v1') ? 'meshdeck.v1' : false),
  })

  const server: Server = createServer((req, res) => {
    void handleRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, failure(ErrorCode.internal, String(err)))
      else res.destroy()
    })
  })

  let port = 0

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res)
    if (!isAllowedHost(host, req)) {
      sendJson(res, 421, failure('bad_host', 'This Meshdeck answers only on its loopback address.'))
      return
    }
    const url = new URL(req.url ?? '/', 'http://meshdeck.invalid')
    if (url.pathname.startsWith('/api/')) {
      await handleApi(req, res, url.pathname.slice('/api/'.length))
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, failure('method_not_allowed', `${req.method} is not served here.`))
      return
    }
    if (await serveStaticFile(options.staticDir, url.pathname, res)) return
    sendJson(
      res,
      404,
      failure(ErrorCode.notFound, `Nothing at ${url.pathname}.`, 'Open / for the app, or POST /api/<method>.'),
    )
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (!hasBearerToken(req, token)) {
      sendJson(res, 401, unauthorized())
      return
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, failure('method_not_allowed', 'API methods are called with POST.', 'POST /api/<method> with a JSON body.'))
      return
    }
    const read = await readLimitedBody(req, maxBodyBytes)
    if (!read.ok) {
      if (!read.drained) res.setHeader('Connection', 'close')
      sendJson(res, 413, failure('too_large', `The request body is over ${maxBodyBytes} bytes.`, 'Send a smaller request; API parameters are small JSON objects.'))
      return
    }
    const body = read.body.toString('utf8')
    let params: unknown = {}
    if (body.trim().length > 0) {
      try {
        params = JSON.parse(body)
      } catch {
        sendJson(res, 400, failure(ErrorCode.invalidParams, 'The request body is not valid JSON.', 'Send a JSON object, e.g. {}.'))
        return
      }
    }
    const outcome = await options.router.call(method, params)
    sendJson(res, outcome.ok ? 200 : statusFor(outcome.error), outcome)
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://meshdeck.invalid')
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
    const protocolToken = offered.find((p) => p.startsWith(tokenProtocolPrefix))?.slice(tokenProtocolPrefix.length)
    const presented = protocolToken ?? url.searchParams.get('token') ?? ''
    if (url.pathname !== '/api/events' || !isAllowedHost(host, req) || !sameSecret(presented, token) || !isSameOrigin(req)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      ws.on('close', () => sockets.delete(ws))
      ws.on('error', () => sockets.delete(ws))
    })
  })

  const subscription = options.bus.subscribe((name, payload) => {
    if (sockets.size === 0) return
    const frame = JSON.stringify({ event: name, payload })
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame)
  })

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen)
    server.listen(options.port ?? 0, host, () => {
      server.off('error', rejectListen)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port
  const urlHost = host.includes(':') ? `[${host}]` : host

  return trackDisposable({
    host,
    port,
    token,
    url: `http://${urlHost}:${port}/?token=${token}`,
    async dispose() {
      subscription.dispose()
      for (const ws of sockets) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  })
}

function hasBearerToken(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] !== undefined && sameSecret(match[1], token)
}

function sameSecret(presented: string, token: string): boolean {
  const a = Buffer.from(presented)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true // non-browser clients (scripts, tests)
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

function statusFor(error: ApiError): number {
  switch (error.code) {
    case ErrorCode.invalidParams:
      return 400
    case ErrorCode.unknownMethod:
    case ErrorCode.notFound:
      return 404
    case ErrorCode.unavailable:
      return 503
    case ErrorCode.internal:
    case ErrorCode.invalidResult:
      return 500
    default:
      return 422
  }
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', contentSecurityPolicy)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
}

function unauthorized(): CallOutcome {
  return failure(
    ErrorCode.unauthorized,
    'Missing or wrong API token.',
    'Use the token printed by `meshdeck serve` as `Authorization: Bearer <token>`.',
  )
}

function failure(code: MeshdeckErrorCode, message: string, hint?: string): CallOutcome {
  return { ok: false, error: hint === undefined ? { code, message } : { code, message, hint } }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(text))
  res.setHeader('Cache-Control', 'no-store')
  res.end(text)
}
