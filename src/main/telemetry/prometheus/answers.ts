/**
 * Prometheus's HTTP API answers (`/api/v1/query`, `/api/v1/query_range`, `/api/v1/status/buildinfo`),
 * read strictly: anything that is not Prometheus's JSON envelope is named for what it is, so a
 * wrong URL, a refused query and an empty result are three different, plain messages and never a
 * silent zero. Pure: the transport (direct HTTP, or the API server's service proxy) is in ../io.
 */

/** One HTTP answer, however it travelled. */
export interface HttpAnswer {
  status: number
  contentType: string
  body: string
}

export type PrometheusProblemCode = 'prometheus_unreachable' | 'not_prometheus' | 'promql_error' | 'prometheus_error' | 'prometheus_no_data'

/** What went wrong, in the words the API and the UI show. */
export interface PrometheusProblem {
  code: PrometheusProblemCode
  message: string
  hint: string
}

export interface Sample {
  metric: Record<string, string>
  /** The value; NaN and ±Inf are kept as numbers (Prometheus sends them as strings). */
  value: number
}

export interface Series {
  metric: Record<string, string>
  /** [unix seconds, value] pairs, oldest first. */
  values: [number, number][]
}

export type QueryResult = { type: 'vector'; samples: Sample[] } | { type: 'scalar'; value: number } | { type: 'matrix'; series: Series[] }

export class PrometheusAnswerError extends Error {
  constructor(readonly problem: PrometheusProblem) {
    super(problem.message)
  }
}

/** Where the answer came from, for messages: "http://127.0.0.1:9090" or "service istio-system/prometheus through the API server". */
export type Endpoint = string

function problem(code: PrometheusProblemCode, message: string, hint: string): PrometheusAnswerError {
  return new PrometheusAnswerError({ code, message, hint })
}

const notPrometheusHint = "Give the address of Prometheus's web port (it answers /api/v1/query), e.g. http://127.0.0.1:9090, or let Meshdeck find it in the cluster."

interface Envelope {
  status?: unknown
  data?: unknown
  errorType?: unknown
  error?: unknown
}

function parseEnvelope(answer: HttpAnswer, endpoint: Endpoint): Envelope {
  let parsed: unknown
  try {
    parsed = JSON.parse(answer.body)
  } catch {
    const what = answer.contentType.includes('html') ? 'an HTML page' : answer.body.trim() === '' ? 'an empty body' : 'text that is not JSON'
    throw problem('not_prometheus', `${endpoint} answered HTTP ${answer.status} with ${what}, not Prometheus's API.`, notPrometheusHint)
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as Envelope).status === undefined) {
    throw problem('not_prometheus', `${endpoint} answered JSON without Prometheus's "status" field, so it is not Prometheus's API.`, notPrometheusHint)
  }
  return parsed as Envelope
}

/**
 * The `data` of a successful answer, or the problem: Prometheus's own errors keep their type and
 * text (bad_data is a PromQL error: the query is wrong, not the server).
 */
export function readEnvelope(answer: HttpAnswer, endpoint: Endpoint, query?: string): unknown {
  const envelope = parseEnvelope(answer, endpoint)
  if (envelope.status === 'success' && answer.status >= 200 && answer.status < 300) return envelope.data
  if (envelope.status === 'success' || envelope.status === 'error') {
    const text = typeof envelope.error === 'string' ? envelope.error : `HTTP ${answer.status}`
    const type = typeof envelope.errorType === 'string' ? envelope.errorType : 'unknown'
    if (type === 'bad_data') {
      throw problem('promql_error', `Prometheus refused the query${query ? ` ${clip(query)}` : ''}: ${text}`, 'Fix the PromQL (Prometheus names the position of the problem); nothing was judged on it.')
    }
    throw problem('prometheus_error', `Prometheus at ${endpoint} failed the query (${type}): ${text}`, type === 'timeout' ? 'Shorten the time window or simplify the query.' : "Check Prometheus's own log.")
  }
  throw problem('not_prometheus', `${endpoint} answered "status": ${JSON.stringify(envelope.status)}, which Prometheus never sends.`, notPrometheusHint)
}

function toNumber(raw: unknown): number {
  if (typeof raw !== 'string') return Number.NaN
  if (raw === '+Inf') return Number.POSITIVE_INFINITY
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY
  return Number(raw)
}

function labels(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null) return {}
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

/** The result of /api/v1/query or /api/v1/query_range. */
export function readQueryResult(answer: HttpAnswer, endpoint: Endpoint, query?: string): QueryResult {
  const data = readEnvelope(answer, endpoint, query) as { resultType?: unknown; result?: unknown } | null
  const result = data?.result
  switch (data?.resultType) {
    case 'vector':
      if (!Array.isArray(result)) break
      return {
        type: 'vector',
        samples: result.map((r: { metric?: unknown; value?: unknown }) => ({ metric: labels(r.metric), value: toNumber(Array.isArray(r.value) ? r.value[1] : undefined) })),
      }
    case 'scalar':
      if (!Array.isArray(result)) break
      return { type: 'scalar', value: toNumber(result[1]) }
    case 'matrix':
      if (!Array.isArray(result)) break
      return {
        type: 'matrix',
        series: result.map((r: { metric?: unknown; values?: unknown }) => ({
          metric: labels(r.metric),
          values: (Array.isArray(r.values) ? r.values : []).map((v: unknown) => [Number((v as unknown[])[0]), toNumber((v as unknown[])[1])] as [number, number]),
        })),
      }
  }
  throw problem('not_prometheus', `${endpoint} answered a query without a result Prometheus would send (resultType ${JSON.stringify(data?.resultType)}).`, notPrometheusHint)
}

/** The version from /api/v1/status/buildinfo: the proof that an address is Prometheus. */
export function readBuildInfo(answer: HttpAnswer, endpoint: Endpoint): string {
  if (answer.status === 404) throw problem('not_prometheus', `${endpoint} has no /api/v1/status/buildinfo (HTTP 404), so it is not Prometheus.`, notPrometheusHint)
  const data = readEnvelope(answer, endpoint) as { version?: unknown } | null
  if (typeof data?.version !== 'string') throw problem('not_prometheus', `${endpoint} answered buildinfo without a version, so it is not Prometheus.`, notPrometheusHint)
  return data.version
}

/**
 * The one number a check reads: a scalar, or a vector of exactly one sample. No sample, or NaN
 * (0/0: a ratio with no requests), is "no data" — never a pass.
 */
export function singleValue(result: QueryResult, query: string): number {
  if (result.type === 'scalar') {
    if (Number.isNaN(result.value)) throw noData(query, 'it is NaN (a ratio of no requests)')
    return result.value
  }
  if (result.type === 'matrix') throw problem('promql_error', `The query ${clip(query)} returns a range (a matrix); a check needs one number.`, 'Wrap the range in a function such as rate() or avg_over_time().')
  if (result.samples.length === 0) throw noData(query, 'it returned no series')
  if (result.samples.length > 1) {
    throw problem('promql_error', `The query ${clip(query)} returned ${result.samples.length} series; a check needs one number.`, 'Aggregate it, e.g. sum(...) or max(...).')
  }
  const value = (result.samples[0] as Sample).value
  if (Number.isNaN(value)) throw noData(query, 'its value is NaN (a ratio of no requests)')
  return value
}

export function noData(query: string, why: string): PrometheusAnswerError {
  return problem(
    'prometheus_no_data',
    `No data for ${clip(query)}: ${why}.`,
    'Nothing was measured, so nothing is judged: check that traffic reaches the canary and that Prometheus scrapes its metrics (istio_requests_total).',
  )
}

function clip(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat
}
