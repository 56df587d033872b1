import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml, type MeshSnapshot } from '../../src/main/mesh'
import type { XdsClient } from '@shared/contract'
import { MeshSecurityModel, edgeMtls } from '../../src/main/security'
import { translate, typeUrls } from '../../src/main/xds'
import { decodeResource, encodeResource } from '../../src/main/xds/io/protos'
import { destinationRuleYaml, serviceEntryYaml, toYaml } from '../support/xds-mesh-fixtures'

// The adapter from served mesh config to TLS/RBAC decisions, and what translate() makes of them. Pure.

const host = 'reviews.demo.svc.cluster.local'
const entry = (name: string, version: string, port: number, serviceAccount?: string): Record<string, unknown> => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'WorkloadEntry',
  metadata: { name, namespace: 'demo' },
  spec: { address: '127.0.0.1', ports: { grpc: port }, labels: { app: 'reviews', version }, ...(serviceAccount ? { serviceAccount } : {}) },
})
const pa = (mode: string, selector?: Record<string, string>): Record<string, unknown> => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: selector ? 'reviews-v2' : 'default', namespace: 'demo' },
  spec: { ...(selector ? { selector: { matchLabels: selector } } : {}), mtls: { mode } },
})
const base = [serviceEntryYaml({ name: 'reviews', host, port: 9080 }), entry('reviews-v1', 'v1', 5001, 'reviews'), entry('reviews-v2', 'v2', 5002, 'reviews')]

function model(docs: Record<string, unknown>[]): MeshSecurityModel {
  const parsed = parseMeshYaml(toYaml(docs), 'mesh.yaml')
  expect(parsed.problems).toEqual([])
  return new MeshSecurityModel(createSnapshot(1, parsed.objects) as MeshSnapshot, { trustDomain: 'cluster.local' })
}

const destination = (subset?: string) => ({ host, namespace: 'demo', port: 9080, subset })

describe('mesh config → mTLS decisions for proxyless gRPC', () => {
  it('STRICT: servers require client certificates, auto mTLS makes clients send them and pin the servers’ SPIFFE IDs', () => {
    const m = model([...base, pa('STRICT')])
    expect(m.serverRequiresMtls({ namespace: 'demo', labels: { app: 'reviews', version: 'v1' }, port: 5001 })).toBe(true)
    expect(m.clientTls(destination())).toMatchObject({ mode: 'ISTIO_MUTUAL', source: 'auto-mtls' })
    expect(m.serverIdentities(destination())).toEqual(['spiffe://cluster.local/ns/demo/sa/reviews'])
  })

  it('PERMISSIVE and DISABLE serve plaintext, so auto mTLS sends plaintext to them', () => {
    for (const mode of ['PERMISSIVE', 'DISABLE']) {
      const m = model([...base, pa(mode)])
      expect(m.serverRequiresMtls({ namespace: 'demo', labels: { app: 'reviews' }, port: 5001 })).toBe(false)
      expect(m.clientMtls(destination())).toBe(false)
    }
    // No PeerAuthentication at all is Istio's PERMISSIVE.
    expect(model(base).clientMtls(destination())).toBe(false)
  })

  it('a subset of STRICT servers gets mTLS while the whole service, with one PERMISSIVE version, does not', () => {
    const m = model([...base, pa('PERMISSIVE'), pa('STRICT', { version: 'v2' }), destinationRuleYaml({ name: 'reviews', host, subsets: ['v1', 'v2'] })])
    expect(m.clientMtls(destination('v2'))).toBe(true)
    expect(m.clientMtls(destination('v1'))).toBe(false)
    expect(m.clientMtls(destination())).toBe(false)
    // …which breaks calls to v2 through the whole-service cluster: said, with the fix.
    expect(m.proxylessConflicts()).toEqual([
      expect.objectContaining({ code: 'proxyless-mixed-strict-endpoints', workload: 'demo/reviews-v2', port: 5002, message: expect.stringContaining(`${host}:9080`) }),
    ])
  })

  it('an explicit DestinationRule TLS mode wins over auto mTLS, and ISTIO_MUTUAL towards PERMISSIVE is reported with a fix', () => {
    const disable = model([...base, pa('STRICT'), destinationRuleYaml({ name: 'reviews', host, subsets: [], trafficPolicy: { tls: { mode: 'DISABLE' } } })])
    expect(disable.clientTls(destination())).toMatchObject({ mode: 'DISABLE', source: 'destination-rule', rule: 'DestinationRule demo/reviews' })

    const mutual = model([...base, pa('PERMISSIVE'), destinationRuleYaml({ name: 'reviews', host, subsets: [], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })])
    expect(mutual.clientMtls(destination())).toBe(true)
    const conflicts = mutual.proxylessConflicts()
    expect(conflicts.map((c) => [c.code, c.workload, c.port])).toEqual([
      ['proxyless-permissive-mtls-client', 'demo/reviews-v1', 5001],
      ['proxyless-permissive-mtls-client', 'demo/reviews-v2', 5002],
    ])
    expect(conflicts[0]?.hint).toMatch(/STRICT/)
  })

  it('falls back to any peer of the trust domain when a server has no service account', () => {
    const m = model([serviceEntryYaml({ name: 'reviews', host, port: 9080 }), entry('reviews-v1', 'v1', 5001), pa('STRICT')])
    expect(m.serverIdentities(destination())).toEqual([])
    const cluster = translate(m.snapshot, { security: m.meshSecurity() }).CDS.get(`outbound|9080||${host}`) as Record<string, unknown>
    expect(JSON.stringify(cluster)).toContain('"match_subject_alt_names":[{"prefix":"spiffe://cluster.local/"}]')
  })
})

describe('AuthorizationPolicy → RBAC filters on server listeners', () => {
  const policy = (action: string, rules: unknown[]): Record<string, unknown> => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: `reviews-${action.toLowerCase()}`, namespace: 'demo' },
    spec: { selector: { matchLabels: { app: 'reviews' } }, action, rules },
  })

  function serverFilters(docs: Record<string, unknown>[]): { name: string; typed_config: Record<string, unknown> }[] {
    const m = model(docs)
    const lds = translate(m.snapshot, { security: m.meshSecurity() }).LDS
    const listener = [...lds.entries()].find(([name]) => name.endsWith('127.0.0.1:5001'))?.[1] as Record<string, unknown>
    // Every listener must encode with Envoy's schema exactly as clients decode it.
    const decoded = decodeResource(typeUrls.LDS, encodeResource(typeUrls.LDS, listener)) as {
      default_filter_chain: { filters: { typed_config: { value: Uint8Array } }[] }
    }
    expect(decoded.default_filter_chain.filters).toHaveLength(1)
    const hcm = ((listener.default_filter_chain as Record<string, unknown>).filters as { typed_config: { http_filters: { name: string; typed_config: Record<string, unknown> }[] } }[])[0]!
    return hcm.typed_config.http_filters
  }

  it('puts DENY then ALLOW before the router, with principals as SPIFFE IDs, namespaces and paths', () => {
    const filters = serverFilters([
      ...base,
      pa('STRICT'),
      policy('DENY', [{ to: [{ operation: { paths: ['/demo.Reviews/Admin*'] } }] }]),
      policy('ALLOW', [{ from: [{ source: { principals: ['cluster.local/ns/demo/sa/productpage'] } }, { source: { namespaces: ['ops'] } }] }]),
    ])
    expect(filters.map((f) => f.name)).toEqual(['envoy.filters.http.rbac.deny', 'envoy.filters.http.rbac.allow', 'envoy.filters.http.router'])
    expect(filters[0]?.typed_config).toMatchObject({
      rules: { action: 'DENY', policies: { 'AuthorizationPolicy demo/reviews-deny[0]': { principals: [{ any: true }], permissions: [{ url_path: { path: { prefix: '/demo.Reviews/Admin' } } }] } } },
    })
    expect(filters[1]?.typed_config).toMatchObject({
      rules: {
        action: 'ALLOW',
        policies: {
          'AuthorizationPolicy demo/reviews-allow[0]': {
            principals: [
              {
                or_ids: {
                  ids: [
                    { authenticated: { principal_name: { exact: 'spiffe://cluster.local/ns/demo/sa/productpage' } } },
                    { authenticated: { principal_name: { safe_regex: { regex: 'spiffe://[^/]+/ns/ops/sa/[^/]+' } } } },
                  ],
                },
              },
            ],
            permissions: [{ any: true }],
          },
        },
      },
    })
  })

  it('an ALLOW policy without rules allows nothing; a DENY policy without rules denies nothing; no policy, no filter', () => {
    const allowNothing = serverFilters([...base, policy('ALLOW', []), policy('DENY', [])])
    expect(allowNothing.map((f) => f.name)).toEqual(['envoy.filters.http.rbac.allow', 'envoy.filters.http.router'])
    expect(allowNothing[0]?.typed_config).toMatchObject({ rules: { action: 'ALLOW', policies: {} } })
    expect(serverFilters(base).map((f) => f.name)).toEqual(['envoy.filters.http.router'])
  })
})

describe('whether an observed call is mutual TLS', () => {
  const client = (nodeId: string, workload: string, type: 'CDS' | 'LDS', status: 'SYNCED' | 'STALE'): XdsClient => ({
    streamId: nodeId,
    nodeId,
    cluster: '',
    metadata: { NAMESPACE: 'demo', WORKLOAD_NAME: workload },
    locality: { region: '', zone: '', subZone: '' },
    userAgent: 'grpc-node-js',
    peer: 'ipv4:127.0.0.1:1',
    connectedSince: '2026-01-01T00:00:00Z',
    types: [{ type, status, subscribed: [], sentVersion: '2', sentNonce: '1', sentAt: null, ackedVersion: status === 'SYNCED' ? '2' : '1', nack: null }],
  })
  const edge = { caller: 'frontend', host, port: 9080, subset: null }
  const servers = [client('reviews-v1', 'reviews-v1', 'LDS', 'SYNCED'), client('reviews-v2', 'reviews-v2', 'LDS', 'SYNCED')]

  it('is mTLS only when both sides are configured for it and have acknowledged that config', () => {
    const m = model([...base, pa('STRICT')])
    expect(edgeMtls(m, [client('frontend', 'frontend-v1', 'CDS', 'SYNCED'), ...servers], edge)).toMatchObject({ callerWorkload: 'demo/frontend-v1', clientMtls: true, serverMtls: true, synced: true, mtls: true })
    // The caller has not acknowledged the clusters yet: not known.
    expect(edgeMtls(m, [client('frontend', 'frontend-v1', 'CDS', 'STALE'), ...servers], edge)).toMatchObject({ synced: false, mtls: null })
    // No server stream to vouch for its listener: not known either.
    expect(edgeMtls(m, [client('frontend', 'frontend-v1', 'CDS', 'SYNCED')], edge).mtls).toBeNull()
  })

  it('is plaintext when configured so and acknowledged, and unknown while servers disagree', () => {
    expect(edgeMtls(model([...base, pa('PERMISSIVE')]), [client('frontend', 'frontend-v1', 'CDS', 'SYNCED'), ...servers], edge).mtls).toBe(false)
    const mixed = model([...base, pa('PERMISSIVE'), pa('STRICT', { version: 'v2' })])
    expect(edgeMtls(mixed, [client('frontend', 'frontend-v1', 'CDS', 'SYNCED'), ...servers], edge)).toMatchObject({ clientMtls: false, serverMtls: false, mtls: null })
  })
})
