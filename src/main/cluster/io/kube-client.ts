import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { request, type RequestOptions } from 'node:https'
import type { KubeConfig } from '@kubernetes/client-node'
import { MeshdeckError } from '@shared/contract'
import { classifyKubeFailure } from '../connection-errors'
import { readStatus } from '../../model'

/** A failed API request; `status` is set when the server answered. */
export class KubeRequestError extends Error {
  constructor(
    readonly status: number | undefined,
    readonly errno: string | undefined,
    readonly detail: string,
  ) {
    super(detail)
  }
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: Record<string, unknown>
}

/**
 * Plain HTTPS to the API server with client-node doing the auth and TLS (certs, tokens, exec
 * plugins). We keep the transport ourselves because informers need paging, bookmarks and precise
 * error causes that the generated clients hide.
 */
export class KubeClient {
  readonly server: string
  private readonly certNotAfter: Date | undefined

  constructor(private readonly kc: KubeConfig) {
    this.server = kc.getCurrentCluster()?.server ?? ''
    this.certNotAfter = readCertExpiry(kc)
  }

  private async options(method: string, path: string, headers: Record<string, string>): Promise<RequestOptions & { url: URL }> {
    const url = new URL(path, this.server)
    const opts: RequestOptions = { method, headers: { accept: 'application/json', ...headers } }
    try {
      await this.kc.applyToHTTPSOptions(opts)
    } catch (err) {
      // Exec plugins and token files fail here, before any network traffic.
      throw new MeshdeckError('credentials_failed', `Could not get credentials: ${err instanceof Error ? err.message : String(err)}`, 'Run the credential plugin in a terminal to see its error, then retry.')
    }
    return { ...opts, url }
  }

  async json<T>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const opts = await this.options(method, path, body === undefined ? {} : { 'content-type': contentType })
    return new Promise<T>((resolve, reject) => {
      const req = request(opts.url, { ...opts, timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) {
            try {
              resolve(JSON.parse(text) as T)
            } catch {
              reject(new KubeRequestError(status, undefined, 'the API server sent a body that is not JSON'))
            }
          } else reject(new KubeRequestError(status, undefined, statusMessage(text, status)))
        })
        res.on('error', (err: NodeJS.ErrnoException) => reject(new KubeRequestError(undefined, err.code, err.message)))
      })
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })))
      req.on('error', (err: NodeJS.ErrnoException) => reject(new KubeRequestError(undefined, err.code, err.message)))
      if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body))
      req.end()
    })
  }

  /**
   * Streams a watch; resolves when the server closes it, rejects on a transport or HTTP error.
   * Abort through `signal` to stop it.
   */
  async watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    const opts = await this.options('GET', path, {})
    return new Promise<void>((resolve, reject) => {
      let failed = false
      const req = request(opts.url, { ...opts, signal }, (res) => {
        const status = res.statusCode ?? 0
        if (status !== 200) {
          let text = ''
          res.on('data', (c: Buffer) => (text += c.toString()))
          res.on('end', () => reject(new KubeRequestError(status, undefined, statusMessage(text, status))))
          return
        }
        onOpen?.()
        let buffer = ''
        res.on('data', (chunk: Buffer) => {
          if (failed) return
          buffer += chunk.toString('utf8')
          let newline = buffer.indexOf('\n')
          while (newline >= 0) {
            const line = buffer.slice(0, newline)
            buffer = buffer.slice(newline + 1)
            if (line.trim() !== '') {
              try {
                onEvent(JSON.parse(line) as WatchEvent)
              } catch (err) {
                // The handler's own error (e.g. 410 Gone inside the stream) goes to the caller as is.
                failed = true
                req.destroy()
                reject(err instanceof Error ? err : new Error(String(err)))
                return
              }
            }
            newline = buffer.indexOf('\n')
          }
        })
        res.on('end', () => resolve())
        res.on('error', (err: NodeJS.ErrnoException) => reject(new KubeRequestError(undefined, err.code, err.message)))
      })
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (failed) return
        if (signal.aborted) resolve()
        else reject(new KubeRequestError(undefined, err.code, err.message))
      })
      req.end()
    })
  }

  /**
   * One GET answered whatever its status, body and all: for the API server's service proxy, where
   * the body is the proxied service's (Prometheus's JSON error, say) and not a Kubernetes Status.
   * Rejects only when no answer came (transport, timeout, abort).
   */
  async raw(path: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<{ status: number; contentType: string; body: string }> {
    const opts = await this.options('GET', path, { accept: 'application/json, */*' })
    return new Promise((resolve, reject) => {
      const req = request(opts.url, { ...opts, timeout: options.timeoutMs ?? 15_000, signal: options.signal }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', (err: NodeJS.ErrnoException) => reject(new KubeRequestError(undefined, err.code, err.message)))
      })
      req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'TIMEOUT' })))
      req.on('error', (err: NodeJS.ErrnoException) => reject(new KubeRequestError(undefined, err.code, err.message)))
      req.end()
    })
  }

  /** Streams a plain-text response (pod logs) chunk by chunk until the server ends it or `signal` aborts. */
  async text(path: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
    const opts = await this.options('GET', path, { accept: '*/*' })
    return new Promise<void>((resolve, reject) => {
      const req = request(opts.url, { ...opts, signal }, (res) => {
        const status = res.statusCode ?? 0
        if (status !== 200) {
          let body = ''
          res.on('data', (c: Buffer) => (body += c.toString()))
          res.on('end', () => reject(new KubeRequestError(status, undefined, statusMessage(body, status))))
          return
        }
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => onText(chunk))
        res.on('end', () => resolve())
        res.on('error', (err: NodeJS.ErrnoException) => (signal.aborted ? resolve() : reject(new KubeRequestError(undefined, err.code, err.message))))
      })
      req.on('error', (err: NodeJS.ErrnoException) => (signal.aborted ? resolve() : reject(new KubeRequestError(undefined, err.code, err.message))))
      req.end()
    })
  }

  /** The error a person should see for a failed request. */
  explain(err: unknown): MeshdeckError {
    if (err instanceof MeshdeckError) return err
    if (err instanceof KubeRequestError) {
      return classifyKubeFailure({ server: this.server, status: err.status, errno: err.errno, detail: err.detail, clientCertNotAfter: this.certNotAfter })
    }
    return classifyKubeFailure({ server: this.server, detail: err instanceof Error ? err.message : String(err) })
  }
}

function statusMessage(text: string, status: number): string {
  try {
    const message = readStatus(JSON.parse(text)).message
    if (message) return message
  } catch {
    // not a Status object
  }
  return text.trim().slice(0, 200) || `HTTP ${status}`
}

function readCertExpiry(kc: KubeConfig): Date | undefined {
  const user = kc.getCurrentUser()
  try {
    const pem = user?.certData ? Buffer.from(user.certData, 'base64') : user?.certFile ? readFileSync(user.certFile) : undefined
    return pem ? new Date(new X509Certificate(pem).validTo) : undefined
  } catch {
    return undefined
  }
}
