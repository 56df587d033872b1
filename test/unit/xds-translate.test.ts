import { describe, expect, it } from 'vitest'
import { createSnapshot, hasErrors, parseMeshYaml, validateMesh, type MeshSnapshot } from '../../src/main/mesh'
import { translate, typeUrls } from '../../src/main/xds'
import { encodeResource } from '../../src/main/xds/io/protos'
import type { WorkloadAuthorization } from '../../src/main/security'
import {
  destinationRuleYaml,
  serviceEntryYaml,
  toYaml,
  virtualServiceYaml,
  workloadEntryYaml,
} from '../support/xds-mesh-fixtures'

const host = 'reviews.demo.svc.cluster.local'
const base = [
  serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
  workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: 50051, locality: 'eu/a' }),
  workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: 50052, locality: 'eu/b', weight: 3 }),
  destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] }),
]

function snapshotOf(docs: Record<string, unknown>[]): MeshSnapshot {
  const parsed = parseMeshYaml(toYaml(docs), 'mesh.yaml')
  expect(parsed.problems).toEqual([])
  return createSnapshot(1, parsed.objects)
}

function routesOf(docs: Record<string, unknown>[]): Record<string, unknown>[] {
  const snapshot = snapshotOf(docs)
  expect(validateMesh(snapshot).filter((p) => p.severity === 'error')).toEqual([])
  const rds = translate(snapshot).RDS.get(`${host}:9080`) as { virtual_hosts: { routes: Record<string, unknown>[] }[] }
  return rds.virtual_hosts[0]?.routes ?? []
}

describe('translate', () => {
  it('gives every dialable name a client listener that fetches its routes by RDS, and every workload a server listener', () => {
    const resources = translate(snapshotOf(base))
    for (const name of [`${host}:9080`, 'reviews:9080', host, 'reviews']) {
      const listener = resources.LDS.get(name) as { api_listener: { api_listener: Record<string, unknown> } }
      expect(listener.api_listener.api_listener.rds).toMatchObject({ route_config_name: `${host}:9080` })
      const filters = listener.api_listener.api_listener.http_filters as { name: string }[]
      expect(filters.at(-1)?.name).toBe('envoy.filters.http.router')
    }
    const server = resources.LDS.get('grpc/server?xds.resource.listening_address=127.0.0.1:50051')
    expect(server).toMatchObject({ address: { socket_address: { address: '127.0.0.1', port_value: 50051 } } })
  })

  it('routes everything to the default cluster when no VirtualService names the host', () => {
    const routes = routesOf(base)
    expect(routes).toHaveLength(1)
    expect(routes[0]).toMatchObject({ match: { prefix: '' }, route: { cluster: `outbound|9080||${host}` } })
  })

  it('translates matches, weights, timeout, retries and faults in the order written', () => {
    const routes = routesOf([
      ...base,
      virtualServiceYaml({
        name: 'reviews',
        hosts: ['reviews'],
        http: [
          {
            name: 'canary-header',
            match: [{ headers: { 'x-canary': { exact: 'yes' } } }, { headers: { 'x-beta': {} } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
          { match: [{ uri: { exact: '/demo.Echo/Call' }, headers: { user: { prefix: 'ad' }, team: { regex: 'a.*' } } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }], timeout: '1.5s' },
          { match: [{ uri: { regex: '/demo\\..*' } }], route: [{ destination: { host: 'reviews', subset: 'v1' } }], retries: { attempts: 3, retryOn: 'unavailable,5xx' } },
          {
            match: [{ uri: { prefix: '/demo.Faulty/' } }],
            route: [{ destination: { host: 'reviews', subset: 'v1' } }],
            fault: { abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } }, delay: { fixedDelay: '200ms', percentage: { value: 100 } } },
          },
          { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 20 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 80 }] },
        ],
      }),
    ])
    expect(routes.map((r) => r.name)).toEqual([
      'demo/reviews/canary-header/match[0]',
      'demo/reviews/canary-header/match[1]',
      'demo/reviews/http[1]',
      'demo/reviews/http[2]',
      'demo/reviews/http[3]',
      'demo/reviews/http[4]',
    ])
    expect(routes[0]?.match).toEqual({ prefix: '', headers: [{ name: 'x-canary', string_match: { exact: 'yes' } }] })
    expect(routes[1]?.match).toEqual({ prefix: '', headers: [{ name: 'x-beta', present_match: true }] })
    expect(routes[2]).toMatchObject({
      match: {
        path: '/demo.Echo/Call',
        headers: [{ name: 'user', string_match: { prefix: 'ad' } }, { name: 'team', string_match: { safe_regex: { regex: 'a.*' } } }],
      },
      route: { cluster: `outbound|9080|v1|${host}`, max_stream_duration: { max_stream_duration: { seconds: 1, nanos: 500_000_000 } } },
    })
    // 5xx is Envoy-only; gRPC gets the conditions it understands.
    expect(routes[3]).toMatchObject({ match: { safe_regex: { regex: '/demo\\..*' } }, route: { retry_policy: { retry_on: 'unavailable', num_retries: { value: 3 } } } })
    expect(routes[4]?.typed_per_filter_config).toEqual({
      'envoy.filters.http.fault': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
        abort: { grpc_status: 14, percentage: { numerator: 500_000, denominator: 'MILLION' } },
        delay: { fixed_delay: { seconds: 0, nanos: 200_000_000 }, percentage: { numerator: 1_000_000, denominator: 'MILLION' } },
      },
    })
    expect(routes[5]?.route).toEqual({
      weighted_clusters: {
        clusters: [
          { name: `outbound|9080|v1|${host}`, weight: { value: 20 } },
          { name: `outbound|9080|v2|${host}`, weight: { value: 80 } },
        ],
      },
    })
  })

  it('makes a cluster per subset with the DestinationRule policy, subset policy winning', () => {
    const resources = translate(
      snapshotOf([
        ...base.slice(0, 3),
        {
          ...destinationRuleYaml({
            name: 'reviews',
            host,
            subsets: [],
            trafficPolicy: {
              connectionPool: { http: { http2MaxRequests: 7 } },
              outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
            },
          }),
          spec: {
            host,
            trafficPolicy: { connectionPool: { http: { http2MaxRequests: 7 } } },
            subsets: [
              { name: 'v1', labels: { version: 'v1' } },
              { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } },
            ],
          },
        },
      ]),
    )
    expect([...resources.CDS.keys()]).toEqual([`outbound|9080||${host}`, `outbound|9080|v1|${host}`, `outbound|9080|v2|${host}`])
    expect(resources.CDS.get(`outbound|9080|v1|${host}`)).toMatchObject({
      type: 'EDS',
      lb_policy: 'ROUND_ROBIN',
      circuit_breakers: { thresholds: [{ priority: 'DEFAULT', max_requests: { value: 7 } }] },
      eds_cluster_config: { eds_config: { ads: {} }, service_name: `outbound|9080|v1|${host}` },
    })
    expect(resources.CDS.get(`outbound|9080|v2|${host}`)).toMatchObject({ lb_policy: 'RING_HASH' })
  })

  it('maps outlier detection onto failure-percentage ejection, the kind gRPC implements', () => {
    const resources = translate(
      snapshotOf([
        ...base.slice(0, 3),
        destinationRuleYaml({ name: 'reviews', host, subsets: ['v1'], trafficPolicy: { outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 } } }),
      ]),
    )
    expect(resources.CDS.get(`outbound|9080||${host}`)?.outlier_detection).toEqual({
      interval: { seconds: 10, nanos: 0 },
      base_ejection_time: { seconds: 30, nanos: 0 },
      max_ejection_percent: { value: 50 },
      enforcing_success_rate: { value: 0 },
      enforcing_failure_percentage: { value: 100 },
      failure_percentage_threshold: { value: 50 },
      failure_percentage_request_volume: { value: 5 },
      failure_percentage_minimum_hosts: { value: 1 },
    })
  })

  it('sends outlier detection switched off when the policy has none, so adding it later is a change grpc-js-xds sees', () => {
    const resources = translate(snapshotOf(base))
    expect(resources.CDS.get(`outbound|9080||${host}`)?.outlier_detection).toEqual({
      enforcing_success_rate: { value: 0 },
      enforcing_consecutive_5xx: { value: 0 },
      enforcing_consecutive_gateway_failure: { value: 0 },
    })
  })

  it('hashes the default route by the rule’s consistentHash when no VirtualService names the host, as istiod does', () => {
    const resources = translate(
      snapshotOf([...base.slice(0, 3), destinationRuleYaml({ name: 'reviews', host, subsets: ['v1'], trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user', ringHash: { minimumRingSize: 2048 } } } } })]),
    )
    const route = (resources.RDS.get(`${host}:9080`) as { virtual_hosts: { routes: { route: unknown }[] }[] }).virtual_hosts[0]?.routes[0]?.route
    expect(route).toEqual({ cluster: `outbound|9080||${host}`, hash_policy: [{ header: { header_name: 'x-user' } }] })
    expect(resources.CDS.get(`outbound|9080||${host}`)).toMatchObject({ lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: { value: 2048 } } })
  })

  it('hashes a VirtualService route by the destination subset’s consistentHash, else the rule’s', () => {
    const rule = {
      ...destinationRuleYaml({ name: 'reviews', host, subsets: [] }),
      spec: {
        host,
        trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-rule' } } },
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } } },
        ],
      },
    }
    const routes = routesOf([
      ...base.slice(0, 3),
      rule,
      virtualServiceYaml({
        name: 'reviews',
        hosts: ['reviews'],
        http: [
          { match: [{ headers: { 'x-v2': { exact: 'yes' } } }], route: [{ destination: { host: 'reviews', subset: 'v2' } }] },
          { route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
        ],
      }),
    ])
    expect(routes.map((r) => (r.route as { hash_policy?: unknown }).hash_policy)).toEqual([[{ header: { header_name: 'x-user' } }], [{ header: { header_name: 'x-rule' } }]])
  })

  it('gives an xDS server bound to 0.0.0.0 or [::] the listener for its port, as istiod matches by port', () => {
    const resources = translate(snapshotOf(base))
    expect(resources.LDS.get('grpc/server?xds.resource.listening_address=0.0.0.0:50051')).toMatchObject({ address: { socket_address: { address: '0.0.0.0', port_value: 50051 } } })
    expect(resources.LDS.get('grpc/server?xds.resource.listening_address=[::]:50052')).toMatchObject({ address: { socket_address: { address: '::', port_value: 50052 } } })
  })

  it('groups endpoints by locality with weights, filtered by subset labels', () => {
    const resources = translate(snapshotOf(base))
    expect(resources.EDS.get(`outbound|9080||${host}`)).toEqual({
      cluster_name: `outbound|9080||${host}`,
      endpoints: [
        {
          locality: { region: 'eu', zone: 'a', sub_zone: '' },
          load_balancing_weight: { value: 1 },
          priority: 0,
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 50051 } } }, load_balancing_weight: { value: 1 }, health_status: 'HEALTHY' }],
        },
        {
          locality: { region: 'eu', zone: 'b', sub_zone: '' },
          load_balancing_weight: { value: 3 },
          priority: 0,
          lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: 50052 } } }, load_balancing_weight: { value: 3 }, health_status: 'HEALTHY' }],
        },
      ],
    })
    const v2 = resources.EDS.get(`outbound|9080|v2|${host}`) as { endpoints: unknown[] }
    expect(v2.endpoints).toHaveLength(1)
  })

  it('produces resources that encode against the Envoy protos grpc-js-xds ships', () => {
    const resources = translate(snapshotOf(base), { loadReporting: true })
    for (const type of ['LDS', 'RDS', 'CDS', 'EDS'] as const) {
      for (const resource of resources[type].values()) expect(encodeResource(typeUrls[type], resource).length).toBeGreaterThan(0)
    }
    expect(resources.CDS.get(`outbound|9080||${host}`)?.lrs_server).toEqual({ self: {} })
  })
})

describe('translate with mTLS decisions', () => {
  it('adds TLS contexts from the certificate provider where security says so, and encodes them', () => {
    const asked: string[] = []
    const resources = translate(snapshotOf(base), {
      security: {
        providerInstance: 'meshdeck',
        trustedSanPrefix: 'spiffe://cluster.local/',
        clientMtls: (d) => (asked.push(`${d.host}:${d.port}|${d.subset ?? ''}`), d.subset !== 'v2'),
        serverRequiresMtls: (w) => w.labels.version === 'v1' && w.namespace === 'demo',
      },
    })
    expect(asked).toEqual([`${host}:9080|`, `${host}:9080|v1`, `${host}:9080|v2`])
    expect(resources.CDS.get(`outbound|9080|v1|${host}`)?.transport_socket).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: {
          tls_certificate_provider_instance: { instance_name: 'meshdeck' },
          validation_context: { ca_certificate_provider_instance: { instance_name: 'meshdeck' }, match_subject_alt_names: [{ prefix: 'spiffe://cluster.local/' }] },
        },
      },
    })
    expect(resources.CDS.get(`outbound|9080|v2|${host}`)?.transport_socket).toBeUndefined()
    const strict = resources.LDS.get('grpc/server?xds.resource.listening_address=127.0.0.1:50051') as { default_filter_chain: Record<string, unknown> }
    expect(strict.default_filter_chain.transport_socket).toMatchObject({ typed_config: { require_client_certificate: { value: true } } })
    const plain = resources.LDS.get('grpc/server?xds.resource.listening_address=127.0.0.1:50052') as { default_filter_chain: Record<string, unknown> }
    expect(plain.default_filter_chain.transport_socket).toBeUndefined()
    for (const type of ['LDS', 'CDS'] as const) for (const r of resources[type].values()) expect(encodeResource(typeUrls[type], r).length).toBeGreaterThan(0)
  })
})

describe('translate wildcard server listeners with mTLS decisions', () => {
  it('fails closed when workloads on one port disagree: mTLS if any requires it, and every authorization in turn', () => {
    const docs = [
      serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
      workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', address: '10.0.0.1', port: 50051 }),
      workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', address: '10.0.0.2', port: 50051 }),
    ]
    const allowOnly = (principal: string, workload: string): WorkloadAuthorization => ({
      workload,
      deny: [],
      allow: [{ policy: `demo/allow-${principal}`, action: 'ALLOW', rules: [{ from: [{ principal: { values: [{ kind: 'exact', value: principal }], notValues: [] } }], to: [], when: [] }] }],
      audit: [],
      custom: [],
      notes: [],
    })
    const resources = translate(snapshotOf(docs), {
      security: {
        providerInstance: 'meshdeck',
        clientMtls: () => false,
        serverRequiresMtls: (w) => w.labels.version === 'v1',
        authorization: (w) => allowOnly(w.labels.version === 'v1' ? 'cluster.local/ns/demo/sa/a' : 'cluster.local/ns/demo/sa/b', w.labels.version ?? ''),
      },
    })
    const filters = (address: string): string[] =>
      ((resources.LDS.get(`grpc/server?xds.resource.listening_address=${address}`) as { default_filter_chain: { filters: { typed_config: { http_filters: { name: string }[] } }[] } }).default_filter_chain.filters[0]?.typed_config.http_filters ?? []).map((f) => f.name)
    expect(filters('10.0.0.1:50051')).toEqual(['envoy.filters.http.rbac.allow', 'envoy.filters.http.router'])
    // Both workloads' ALLOW filters in turn: a request must pass each.
    expect(filters('0.0.0.0:50051')).toEqual(['envoy.filters.http.rbac.allow.0', 'envoy.filters.http.rbac.allow.1', 'envoy.filters.http.router'])
    const tls = (address: string): unknown => (resources.LDS.get(`grpc/server?xds.resource.listening_address=${address}`) as { default_filter_chain: { transport_socket?: unknown } }).default_filter_chain.transport_socket
    expect(tls('10.0.0.1:50051')).toBeDefined()
    expect(tls('10.0.0.2:50051')).toBeUndefined()
    expect(tls('0.0.0.0:50051')).toBeDefined()
    for (const r of resources.LDS.values()) expect(encodeResource(typeUrls.LDS, r).length).toBeGreaterThan(0)
  })
})

describe('validateMesh', () => {
  function problemsOf(docs: Record<string, unknown>[]): string[] {
    return validateMesh(snapshotOf(docs)).map((p) => `${p.severity} ${p.kind ?? ''} ${p.field ?? ''}: ${p.message}`)
  }

  it('accepts the base config', () => {
    expect(hasErrors(validateMesh(snapshotOf(base)))).toBe(false)
  })

  it('names the object and field of what gRPC cannot do, with a hint', () => {
    const problems = validateMesh(
      snapshotOf([
        ...base,
        virtualServiceYaml({
          name: 'reviews',
          hosts: ['reviews'],
          http: [
            { match: [{ uri: { prefix: '/' }, method: { exact: 'GET' } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }], rewrite: { uri: '/x' } },
            { route: [{ destination: { host: 'ratings' } }], fault: { abort: { grpcStatus: 'NOPE' } } },
          ],
        }),
      ]),
    )
    const brief = problems.map((p) => `${p.kind} ${p.name} ${p.field}`)
    expect(brief).toEqual(
      expect.arrayContaining([
        'VirtualService reviews spec.http[0].rewrite',
        'VirtualService reviews spec.http[0].match[0].method',
        'VirtualService reviews spec.http[0].route[0].destination.subset',
        'VirtualService reviews spec.http[1].route[0].destination.host',
        'VirtualService reviews spec.http[1].fault.abort.grpcStatus',
      ]),
    )
    for (const problem of problems) {
      expect(problem.hint.length).toBeGreaterThan(0)
      expect(problem.source).toEqual({ file: 'mesh.yaml', line: expect.any(Number) })
    }
  })

  it('rejects endpoints gRPC would reject: hostnames and bad weights', () => {
    const problems = problemsOf([...base, workloadEntryYaml({ name: 'reviews-x', app: 'reviews', address: 'reviews.local', port: 1 }), { ...workloadEntryYaml({ name: 'reviews-y', app: 'reviews', port: 2 }), spec: { address: '127.0.0.2', weight: 0, labels: { app: 'reviews' } } }])
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error WorkloadEntry spec.address: address "reviews.local" is not an IP/),
        expect.stringMatching(/^error WorkloadEntry spec.weight/),
      ]),
    )
  })

  it('rejects load balancers gRPC lacks and flags weights that do not add up', () => {
    const problems = problemsOf([
      ...base.slice(0, 3),
      destinationRuleYaml({ name: 'reviews', host, subsets: ['v1', 'v2'], trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' }, tls: { mode: 'SIMPLE' } } }),
      virtualServiceYaml({ name: 'reviews', hosts: [host], http: [{ route: [{ destination: { host, subset: 'v1' }, weight: 30 }, { destination: { host, subset: 'v2' }, weight: 30 }] }] }),
    ])
    expect(problems).toEqual(
      expect.arrayContaining([
        'error DestinationRule spec.trafficPolicy.loadBalancer.simple: LEAST_REQUEST is not available in gRPC clients.',
        expect.stringMatching(/^error DestinationRule spec.trafficPolicy.tls/),
        'warning VirtualService spec.http[0].route: weights add up to 60, not 100.',
      ]),
    )
  })

  it('refuses weights gRPC cannot take: one over UINT32_MAX, or endpoints whose weights add up past it', () => {
    const big = 4_294_967_295
    expect(problemsOf([...base, workloadEntryYaml({ name: 'reviews-huge', app: 'reviews', port: 3, weight: big + 1 })])).toContain(
      `error WorkloadEntry spec.weight: weight ${big + 1} is more than ${big}, the largest weight gRPC clients accept.`,
    )
    // base weighs 1 + 3; a third endpoint of UINT32_MAX takes the sum over (and is the one refused).
    const problems = validateMesh(snapshotOf([...base, workloadEntryYaml({ name: 'reviews-v3', app: 'reviews', port: 3, weight: big, locality: 'us/c' })]))
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.kind} ${p.name} ${p.field}`)).toEqual(['WorkloadEntry reviews-v3 spec.weight'])
    expect(problems[0]?.message).toContain(`would weigh ${big + 4} together, more than ${big}`)
    const inline = { ...serviceEntryYaml({ name: 'inline', host: 'inline.demo', port: 1 }), spec: { hosts: ['inline.demo'], ports: [{ number: 1, name: 'grpc' }], resolution: 'STATIC', endpoints: [{ address: '10.0.0.1', weight: big }, { address: '10.0.0.2', weight: 1 }] } }
    expect(problemsOf([inline])).toEqual([expect.stringMatching(/^error ServiceEntry spec\.endpoints\[1\]\.weight: with weight 1 /)])
  })

  it('refuses route weights that add up past UINT32_MAX', () => {
    const problems = problemsOf([...base, virtualServiceYaml({ name: 'reviews', hosts: [host], http: [{ route: [{ destination: { host, subset: 'v1' }, weight: 4_294_967_295 }, { destination: { host, subset: 'v2' }, weight: 1 }] }] })])
    expect(problems).toContain('error VirtualService spec.http[0].route: weights add up to 4294967296, more than 4294967295: gRPC clients refuse the whole route table.')
  })

  it('refuses Maglev and ring sizes gRPC clients refuse, and accepts ringHash', () => {
    const rule = (consistentHash: Record<string, unknown>): Record<string, unknown> => destinationRuleYaml({ name: 'reviews', host, subsets: ['v1'], trafficPolicy: { loadBalancer: { consistentHash } } })
    expect(problemsOf([...base.slice(0, 3), rule({ httpHeaderName: 'x-user', maglev: { tableSize: 65537 } })])).toEqual([expect.stringMatching(/^error DestinationRule spec\.trafficPolicy\.loadBalancer\.consistentHash\.maglev: gRPC clients have no Maglev/)])
    expect(problemsOf([...base.slice(0, 3), rule({ httpHeaderName: 'x-user', ringHash: { minimumRingSize: 10_000_000 } })])).toEqual([expect.stringMatching(/^error DestinationRule spec\.trafficPolicy\.loadBalancer\.consistentHash\.ringHash\.minimumRingSize:/)])
    expect(problemsOf([...base.slice(0, 3), rule({ httpHeaderName: 'x-user', ringHash: { minimumRingSize: 4096 } })])).toEqual([])
  })

  it('refuses two VirtualServices for one host', () => {
    const problems = problemsOf([
      ...base,
      virtualServiceYaml({ name: 'a', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] }),
      virtualServiceYaml({ name: 'b', hosts: [host], http: [{ route: [{ destination: { host: 'reviews' } }] }] }),
    ])
    expect(problems).toContain(`error VirtualService spec.hosts[0]: host "${host}" is already routed by VirtualService demo/a.`)
  })
})
