import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml } from '../../src/main/mesh'
import type { RolloutState } from '../../src/main/canary'
import { ConfigHistory, knownNodeOf } from '../../src/main/traces/mesh-context/config-history'
import { rolloutAt, rolloutMarkers } from '../../src/main/traces/mesh-context/rollout-at'
import { routeOfCall } from '../../src/main/traces/mesh-context/route-of-call'
import { spanMeshContext } from '../../src/main/traces/mesh-context/span-context'
import type { Span } from '../../src/main/traces'

// The demo mesh's own config: reviews split 80/10/10 across v1/v2/v3 by a DestinationRule's subsets.
const demoFile = join(__dirname, '../../resources/demo/mesh/demo-reviews-routing.yaml')
const demoSnapshot = (version: number, extra = ''): ReturnType<typeof createSnapshot> =>
  createSnapshot(version, parseMeshYaml(readFileSync(demoFile, 'utf8') + extra, demoFile).objects)

const t0 = Date.UTC(2030, 0, 1)
const base = { traceId: 'a'.repeat(32), error: false, statusMessage: null, durationMs: 10 }
const client: Span = {
  ...base,
  spanId: '1'.repeat(16),
  parentSpanId: null,
  name: 'meshdeck.demo.v1.Reviews/GetReviews',
  kind: 'client',
  service: 'frontend',
  serviceVersion: 'v1',
  startMs: t0 + 5_000,
  attributes: { 'rpc.service': 'meshdeck.demo.v1.Reviews', 'rpc.method': 'GetReviews', 'server.address': 'reviews' },
  resource: { 'service.name': 'frontend', 'service.version': 'v1', 'service.instance.id': 'frontend-v1' },
}
const server: Span = { ...client, spanId: '2'.repeat(16), parentSpanId: client.spanId, kind: 'server', service: 'reviews', serviceVersion: 'v2', startMs: t0 + 5_001, resource: { 'service.name': 'reviews', 'service.version': 'v2' } }

describe('route of a call', () => {
  it('names the VirtualService route and the DestinationRule subset that answered, with file and line', () => {
    const decision = routeOfCall(demoSnapshot(3), { host: 'reviews', path: '/meshdeck.demo.v1.Reviews/GetReviews', calleeVersion: 'v2' })!
    expect(decision).toMatchObject({
      virtualService: { namespace: 'demo', name: 'reviews', file: demoFile },
      host: 'reviews.demo.svc.cluster.local',
      routeIndex: 0,
      routeName: 'reviews-canary',
      matchedBy: 'no match conditions (catch-all)',
      subset: 'v2',
      subsetLabels: { version: 'v2' },
      destinationRule: { namespace: 'demo', name: 'reviews' },
    })
    expect(decision.destinations.map((d) => [d.subset, d.weight])).toEqual([
      ['v1', 80],
      ['v2', 10],
      ['v3', 10],
    ])
    expect(decision.virtualService.line).toBeGreaterThan(1)
  })

  it('takes the first route whose uri matches; a route that needs headers is named, not guessed', () => {
    const yaml = readFileSync(demoFile, 'utf8').replace(
      '  http:\n',
      '  http:\n    - name: by-header\n      match: [{ headers: { x-user: { exact: jason } } }]\n      route: [{ destination: { host: reviews.demo.svc.cluster.local, subset: v3 } }]\n    - name: other-method\n      match: [{ uri: { exact: /meshdeck.demo.v1.Reviews/Other } }]\n      route: [{ destination: { host: reviews.demo.svc.cluster.local, subset: v1 } }]\n',
    )
    const snapshot = createSnapshot(4, parseMeshYaml(yaml, demoFile).objects)
    const decision = routeOfCall(snapshot, { host: 'reviews.demo.svc.cluster.local', path: '/meshdeck.demo.v1.Reviews/GetReviews', calleeVersion: 'v1' })!
    expect(decision.routeName).toBe('reviews-canary')
    expect(decision.routeIndex).toBe(2)
    expect(decision.skippedConditional).toEqual(['route 1 "by-header" (needs header x-user, which spans do not record)'])
  })
})

describe("a span's mesh context", () => {
  const history = new ConfigHistory()
  history.noteNode(knownNodeOf('sidecar~127.0.0.1~frontend-v1.demo~demo.svc.cluster.local', { WORKLOAD_NAME: 'frontend-v1', NAMESPACE: 'demo', LABELS: { app: 'frontend', version: 'v1' } }))
  history.record({ kind: 'applied', version: 3 }, t0, () => demoSnapshot(3))
  history.record({ kind: 'acked', nodeId: 'sidecar~127.0.0.1~frontend-v1.demo~demo.svc.cluster.local', type: 'RDS', version: '3' }, t0 + 100)
  history.record({ kind: 'applied', version: 4 }, t0 + 10_000, () => demoSnapshot(4))
  history.record({ kind: 'acked', nodeId: 'sidecar~127.0.0.1~frontend-v1.demo~demo.svc.cluster.local', type: 'RDS', version: '4' }, t0 + 10_050)

  const rollout: RolloutState = {
    spec: { id: 'r1', host: 'reviews.demo.svc.cluster.local', stable: 'v1', canary: 'v2', others: ['v3'], plan: { steps: [10, 50, 100], intervalSeconds: 30, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 10 } }, target: { namespace: 'demo', name: 'reviews', route: { index: 0 } } as RolloutState['spec']['target'] },
    phase: 'analysing',
    stepIndex: 1,
    timeline: [
      { at: t0 + 1_000, step: 0, canaryPercent: 10, what: 'applied' },
      { at: t0 + 1_200, step: 0, canaryPercent: 10, what: 'acked' },
      { at: t0 + 4_000, step: 1, canaryPercent: 50, what: 'applied' },
      { at: t0 + 4_100, step: 1, canaryPercent: 50, what: 'acked' },
    ],
  }

  it('gives the version the calling client had ACKed at that moment, the route, the subset and the rollout step', () => {
    const context = spanMeshContext(server, [client, server], { history, rollouts: [rollout] })
    expect(context.call).toEqual({ caller: 'frontend', callee: 'reviews', path: '/meshdeck.demo.v1.Reviews/GetReviews', atMs: t0 + 5_000 })
    expect(context.client).toMatchObject({ workload: 'frontend-v1', matchedBy: 'workload frontend-v1' })
    expect(context.xds).toEqual({ versions: [{ atMs: t0 + 100, type: 'RDS', version: '3' }], routeVersion: '3' })
    expect(context.route).toMatchObject({ configVersion: 3, exact: true, subset: 'v2', routeName: 'reviews-canary' })
    expect(context.rollout).toMatchObject({ id: 'r1', step: 2, steps: 3, canaryPercent: 50, weights: { v1: 50, v2: 50, v3: 0 } })
    expect(context.notes).toEqual([])
    // The same call an instant after the next push: version 4.
    const later = spanMeshContext({ ...server, startMs: t0 + 11_001 }, [{ ...client, startMs: t0 + 11_000 }, { ...server, startMs: t0 + 11_001 }], { history, rollouts: [] })
    expect(later.xds?.routeVersion).toBe('4')
    expect(later.route?.configVersion).toBe(4)
  })

  it('says why a part is unknown instead of guessing', () => {
    const alone = spanMeshContext({ ...server, parentSpanId: null }, [{ ...server, parentSpanId: null }], { history: null, rollouts: [] })
    expect(alone.notes).toEqual(['The embedded control plane is not running, so no xDS history is kept.'])
    const internal: Span = { ...server, spanId: '3'.repeat(16), parentSpanId: null, kind: 'internal' }
    expect(spanMeshContext(internal, [internal], { history, rollouts: [] }).notes[0]).toContain('not part of a call')
  })

  it('puts config pushes and rollout steps on the timeline', () => {
    expect(history.pushesBetween(t0 - 1, t0 + 20_000).map((p) => p.detail)).toEqual(['config version 3 applied', 'config version 4 applied'])
    expect(rolloutMarkers([rollout], t0, t0 + 5_000).map((m) => m.label)).toEqual(['reviews.demo.svc.cluster.local: step 1 → 10% v2', 'reviews.demo.svc.cluster.local: step 2 → 50% v2'])
    expect(rolloutAt([rollout], 'reviews', t0 + 500)).toBeNull()
  })
})
