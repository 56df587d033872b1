import { describe, expect, it } from 'vitest'
import { prometheus, PrometheusAnswerError } from '../../src/main/telemetry'
import { checkProblems, analyse } from '../../src/main/canary/analysis'

const ok = (data: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ status: 'success', data }) })
const problemOf = (fn: () => unknown) => {
  try {
    fn()
  } catch (err) {
    if (err instanceof PrometheusAnswerError) return err.problem
    throw err
  }
  throw new Error('no problem raised')
}

describe("reading Prometheus's answers", () => {
  it('reads vectors, scalars and matrices, keeping NaN and Inf as numbers', () => {
    expect(prometheus.readQueryResult(ok({ resultType: 'vector', result: [{ metric: { a: 'b' }, value: [1, '2.5'] }, { metric: {}, value: [1, 'NaN'] }] }), 'p')).toEqual({
      type: 'vector',
      samples: [
        { metric: { a: 'b' }, value: 2.5 },
        { metric: {}, value: Number.NaN },
      ],
    })
    expect(prometheus.readQueryResult(ok({ resultType: 'scalar', result: [1, '+Inf'] }), 'p')).toEqual({ type: 'scalar', value: Number.POSITIVE_INFINITY })
    expect(prometheus.readQueryResult(ok({ resultType: 'matrix', result: [{ metric: {}, values: [[10, '1'], [11, '2']] }] }), 'p')).toEqual({ type: 'matrix', series: [{ metric: {}, values: [[10, 1], [11, 2]] }] })
  })

  it('names an HTML page, an empty body and foreign JSON as not Prometheus', () => {
    expect(problemOf(() => prometheus.readQueryResult({ status: 200, contentType: 'text/html', body: '<html>' }, 'http://x'))).toMatchObject({ code: 'not_prometheus', message: expect.stringContaining('an HTML page') })
    expect(problemOf(() => prometheus.readQueryResult({ status: 200, contentType: '', body: '' }, 'http://x'))).toMatchObject({ code: 'not_prometheus', message: expect.stringContaining('an empty body') })
    expect(problemOf(() => prometheus.readQueryResult({ status: 200, contentType: 'application/json', body: '{"hello":1}' }, 'http://x'))).toMatchObject({ code: 'not_prometheus' })
    expect(problemOf(() => prometheus.readBuildInfo({ status: 404, contentType: 'text/plain', body: '404 page not found' }, 'http://x'))).toMatchObject({ code: 'not_prometheus' })
  })

  it("keeps Prometheus's own error: bad_data is a PromQL error, the rest a failed query", () => {
    const bad = { status: 400, contentType: 'application/json', body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:10: parse error: unclosed left parenthesis' }) }
    expect(problemOf(() => prometheus.readQueryResult(bad, 'http://x', 'sum(rate(x[1m]'))).toMatchObject({ code: 'promql_error', message: 'Prometheus refused the query sum(rate(x[1m]: 1:10: parse error: unclosed left parenthesis' })
    const timeout = { status: 503, contentType: 'application/json', body: JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out' }) }
    expect(problemOf(() => prometheus.readQueryResult(timeout, 'http://x'))).toMatchObject({ code: 'prometheus_error', hint: expect.stringContaining('Shorten') })
  })

  it('gives a check one number, and calls no series or NaN "no data", never zero', () => {
    expect(prometheus.singleValue({ type: 'vector', samples: [{ metric: {}, value: 3 }] }, 'q')).toBe(3)
    expect(problemOf(() => prometheus.singleValue({ type: 'vector', samples: [] }, 'q'))).toMatchObject({ code: 'prometheus_no_data', message: 'No data for q: it returned no series.' })
    expect(problemOf(() => prometheus.singleValue({ type: 'scalar', value: Number.NaN }, 'q'))).toMatchObject({ code: 'prometheus_no_data' })
    expect(problemOf(() => prometheus.singleValue({ type: 'vector', samples: [{ metric: { a: '1' }, value: 1 }, { metric: { a: '2' }, value: 1 }] }, 'q'))).toMatchObject({ code: 'promql_error', hint: expect.stringContaining('sum(') })
  })
})

describe('the PromQL Meshdeck asks', () => {
  it("counts gRPC failures that HTTP calls 200 as errors, as Kiali does", () => {
    expect(prometheus.isErrorResponse('200', '0')).toBe(false)
    expect(prometheus.isErrorResponse('200', '14')).toBe(true)
    expect(prometheus.isErrorResponse('503', '')).toBe(true)
    expect(prometheus.isErrorResponse('0', undefined)).toBe(true)
    expect(prometheus.isErrorResponse('200', undefined)).toBe(false)
  })

  it("asks Flagger's checks on the canary's version over the step interval", () => {
    const q = prometheus.canaryBuiltinQueries({ host: 'reviews.demo.svc.cluster.local', namespace: 'demo', version: 'v2', subset: 'v2', intervalSeconds: 30 })
    expect(q.successRate).toContain('destination_version="v2"')
    expect(q.successRate).toContain('[30s]')
    expect(q.successRate).toContain('grpc_response_status!~"0|"')
    expect(q.p99).toMatch(/^histogram_quantile\(0\.99, sum\(rate\(istio_request_duration_milliseconds_bucket\{reporter="destination"/)
  })

  it("fills Flagger's template variables and refuses unknown ones", () => {
    const vars = { host: 'reviews.demo.svc.cluster.local', namespace: 'demo', version: 'v2', subset: 'canary', intervalSeconds: 60 }
    expect(prometheus.renderCheckQuery('x{ns="{{ namespace }}",v="{{target}}",s="{{ service }}"}[{{ interval }}]', vars)).toBe('x{ns="demo",v="v2",s="reviews.demo.svc.cluster.local"}[60s]')
    expect(() => prometheus.renderCheckQuery('{{ pod }}', vars)).toThrow('unknown variable {{ pod }}')
  })

  it('escapes label values so a name cannot break out of its matcher', () => {
    expect(prometheus.selector({ a: 'x"}or vector(1)' })).toBe('{a="x\\"}or vector(1)"}')
  })
})

describe('edges from the answers', () => {
  const m = (extra: Record<string, string>) => ({ source_workload_namespace: 'demo', source_workload: 'frontend-v1', destination_service: 'reviews.demo.svc.cluster.local', destination_version: 'v2', ...extra })
  it('sums rates per caller, service and version, errors per response, and takes mTLS from the destination', () => {
    const stats = prometheus.edgeStatsFromAnswers({
      traffic: [
        { metric: m({ response_code: '200', grpc_response_status: '0' }), value: 9 },
        { metric: m({ response_code: '200', grpc_response_status: '14' }), value: 1 },
      ],
      unknownSources: [{ metric: { source_workload: 'unknown', source_workload_namespace: 'unknown', destination_service: 'frontend.demo.svc.cluster.local', destination_version: 'v1', response_code: '200', grpc_response_status: '0' }, value: 2 }],
      security: [{ metric: m({ connection_security_policy: 'mutual_tls' }), value: 10 }],
      latency: { p50: [{ metric: m({}), value: 3 }], p95: [{ metric: m({}), value: 8 }], p99: [{ metric: m({}), value: Number.NaN }] },
    })
    expect(stats).toEqual([
      { source: { workload: { namespace: 'demo', name: 'frontend-v1' } }, destinationHost: 'reviews.demo.svc.cluster.local', subset: null, destinationVersion: 'v2', rps: 10, errorRps: 1, p50Ms: 3, p95Ms: 8, p99Ms: null, inFlight: 0, mtls: true },
      { source: 'unknown', destinationHost: 'frontend.demo.svc.cluster.local', subset: null, destinationVersion: 'v1', rps: 2, errorRps: 0, p50Ms: null, p95Ms: null, p99Ms: null, inFlight: 0, mtls: null },
    ])
  })

  it('maps graph elements to label matchers, and boxes to none', () => {
    expect(prometheus.elementMatchers('req:ver:demo/frontend/v1->svc:reviews.demo.svc.cluster.local')).toEqual({
      reporter: 'source',
      source_workload_namespace: 'demo',
      source_canonical_service: 'frontend',
      source_canonical_revision: 'v1',
      destination_service: 'reviews.demo.svc.cluster.local',
    })
    expect(prometheus.elementMatchers('route:svc:reviews.demo.svc.cluster.local->ver:demo/reviews/v2')).toEqual({ reporter: 'source', destination_service: 'reviews.demo.svc.cluster.local', destination_version: 'v2' })
    expect(prometheus.elementMatchers('req:ext:unknown->svc:frontend.demo.svc.cluster.local')).toMatchObject({ reporter: 'destination', source_workload: 'unknown' })
    expect(prometheus.elementMatchers('ns:demo')).toBeNull()
  })
})

describe('PromQL checks in a plan', () => {
  it('needs a name, a query and a range, and fails naming the check and its value', () => {
    expect(checkProblems([{ name: 'a', query: 'x' }])).toEqual(['Check "a" has neither a minimum nor a maximum, so it could never fail.'])
    expect(checkProblems([{ name: 'a', query: 'x', min: 5, max: 1 }])).toEqual(["Check \"a\"'s minimum 5 is above its maximum 1."])
    const verdict = analyse({ requests: 100, errorRate: 0, p99Ms: 10, checks: [{ name: 'saturation', query: 'q', value: 0.93, max: 0.8 }] }, { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 1 })
    expect(verdict).toEqual({ ok: false, metric: 'check', check: 'saturation', value: 0.93, threshold: 0.8, message: 'Check "saturation" is 0.93, above its maximum 0.8.' })
  })
})
