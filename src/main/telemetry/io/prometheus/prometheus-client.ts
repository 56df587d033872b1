import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { MeshdeckError } from '@shared/contract'
import type { KubeClient } from '../../../cluster/io'
import { KubeRequestError } from '../../../cluster/io'
import { PrometheusAnswerError, readBuildInfo, readQueryResult, serviceProxyPath, type HttpAnswer, type PrometheusCandidate, type QueryResult, type Series } from '../../prometheus'

/** How a request reaches Prometheus: straight to its URL, or through a cluster's API server. */
export interface PrometheusTransport {
  /** For messages: "http://127.0.0.1:9090" or "istio-system/prometheus:9090 through the API server of kind-dev". */
  readonly describe: string
  get(pathAndQuery: string, signal?: AbortSignal): Promise<HttpAnswer>
}

const timeoutMs = 15_000

/** Checks a URL the user gave: http(s), a host, no credentials in it; the problem in words otherwise. */
export function parsePrometheusUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    throw new MeshdeckError('invalid_params', `${JSON.stringify(raw)} is not a URL.`, 'Give the address of Prometheus, e.g. http://127.0.0.1:9090.')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MeshdeckError('invalid_params', `A Prometheus URL must be http:// or https://, not ${url.protocol}//.`, 'Give the address of Prometheus, e.g. http://127.0.0.1:9090.')
  }
  if (url.username || url.password) {
    throw new MeshdeckError('invalid_params', 'A Prometheus URL with a user name or password in it would be stored and shown in plain text.', 'Give the address without credentials.')
  }
  url.hash = ''
  url.search = ''
  return url
}

/** Straight HTTP(S) to a URL (the local demo's Prometheus, or one the user points at). */
export function directTransport(base: URL): PrometheusTransport {
  const prefix = base.href.replace(/\/$/, '')
  return {
    describe: prefix,
    get: (pathAndQuery, signal) =>
      new Promise<HttpAnswer>((resolve, reject) => {
        const url = new URL(prefix + pathAndQuery)
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest
        const req = send(url, { method: 'GET', headers: { accept: 'application/json' }, timeout: timeoutMs, signal }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }))
          res.on('error', (err) => reject(unreachable(prefix, err)))
        })
        req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'TIMEOUT' })))
        req.on('error', (err) => reject(unreachable(prefix, err)))
        req.end()
      }),
  }
}

function unreachable(where: string, err: Error & { code?: string }): PrometheusAnswerError {
  const why = err.code === 'ECONNREFUSED' ? 'nothing listens there (connection refused)' : err.code === 'ENOTFOUND' ? 'the host name does not resolve' : err.message
  return new PrometheusAnswerError({
    code: 'prometheus_unreachable',
    message: `Cannot reach Prometheus at ${where}: ${why}.`,
    hint: 'Check that Prometheus runs and the address is right (its web port, 9090 by default).',
  })
}

/**
 * Through the API server's service proxy (/api/v1/namespaces/NS/services/NAME:PORT/proxy/...):
 * the cluster's credentials stay in the kube client, and Prometheus need not be exposed. An answer
 * the API server makes itself (the Service missing, no endpoint, a refused address) is a
 * Kubernetes Status, and is named as the API server's.
 */
export function serviceProxyTransport(client: KubeClient, context: string, service: Pick<PrometheusCandidate, 'namespace' | 'name' | 'port' | 'https'>): PrometheusTransport {
  const describe = `${service.namespace}/${service.name}:${service.port} through the API server of ${context}`
  return {
    describe,
    get: async (pathAndQuery, signal) => {
      let answer: HttpAnswer
      try {
        answer = await client.raw(serviceProxyPath(service, pathAndQuery), { timeoutMs, signal })
      } catch (err) {
        throw err instanceof KubeRequestError ? client.explain(err) : err
      }
      const status = apiServerStatus(answer)
      if (status) {
        throw new PrometheusAnswerError({
          code: 'prometheus_unreachable',
          message: `The API server of ${context} could not reach ${service.namespace}/${service.name}:${service.port}: ${status}`,
          hint: answer.status === 403 ? 'Your credentials may not use the services/proxy subresource there.' : 'Check that the Service exists and has a ready endpoint.',
        })
      }
      return answer
    },
  }
}

/** The message of a Kubernetes Status the API server answered in place of the service, or null when the answer is the service's. */
export function apiServerStatus(answer: HttpAnswer): string | null {
  if (answer.status < 400) return null
  try {
    const body = JSON.parse(answer.body) as { kind?: unknown; message?: unknown }
    if (body.kind === 'Status') return typeof body.message === 'string' ? body.message : `HTTP ${answer.status}`
  } catch {
    // not JSON: the proxy's own plain-text error, or the service's
  }
  if (answer.status === 502 || answer.status === 503) return answer.body.trim().slice(0, 300) || `HTTP ${answer.status}`
  return null
}

/** Prometheus's HTTP API over a transport, with every answer read strictly. */
export class PrometheusClient {
  constructor(readonly transport: PrometheusTransport) {}

  get describe(): string {
    return this.transport.describe
  }

  /** Its version; proves the address is Prometheus. */
  async buildInfo(signal?: AbortSignal): Promise<string> {
    return readBuildInfo(await this.transport.get('/api/v1/status/buildinfo', signal), this.describe)
  }

  async query(query: string, signal?: AbortSignal): Promise<QueryResult> {
    return readQueryResult(await this.transport.get(`/api/v1/query?query=${encodeURIComponent(query)}`, signal), this.describe, query)
  }

  async queryRange(query: string, startSeconds: number, endSeconds: number, stepSeconds: number, signal?: AbortSignal): Promise<Series[]> {
    const params = `query=${encodeURIComponent(query)}&start=${startSeconds}&end=${endSeconds}&step=${stepSeconds}`
    const result = readQueryResult(await this.transport.get(`/api/v1/query_range?${params}`, signal), this.describe, query)
    if (result.type !== 'matrix') throw new PrometheusAnswerError({ code: 'not_prometheus', message: `${this.describe} answered a range query with a ${result.type}.`, hint: 'Check the address points at Prometheus.' })
    return result.series
  }
}

/** A Prometheus problem as the API's error. */
export function asMeshdeckError(err: unknown): unknown {
  return err instanceof PrometheusAnswerError ? new MeshdeckError(err.problem.code, err.problem.message, err.problem.hint) : err
}
