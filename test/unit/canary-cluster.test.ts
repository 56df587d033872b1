import { describe, expect, it } from 'vitest'
import type { RolloutStateDto } from '@shared/contract/canary'
import { clusterCanaryTargets } from '../../src/main/canary/cluster/cluster-targets'
import { decodeRolloutState, encodeRolloutState } from '../../src/main/canary/io/cluster/rollout-annotation'
import { withRouteWeights } from '../../src/main/canary/cluster/route-weights'
import { fullHost, reviewYaml, type ClusterDestinationRule, type ClusterVirtualService } from '../../src/main/canary/cluster/virtual-service-object'
import { startRollout, type RolloutState } from '../../src/main/canary/rollout-machine'
import { historyRows } from '../../src/renderer/src/components/canary/history-rows'

const vs = (name: string, meta: Partial<ClusterVirtualService['metadata']> = {}): ClusterVirtualService => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: 'shop', resourceVersion: '7', ...meta },
  spec: {
    hosts: ['reviews'],
    http: [
      { name: 'one', route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
      { route: [{ destination: { host: 'ratings' } }] },
      { name: 'split', x: { y: 1 }, route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 70, extra: true }, { destination: { host: 'reviews', subset: 'v2' }, weight: 30 }] },
    ],
  },
})
const rule: ClusterDestinationRule = { metadata: { name: 'reviews', namespace: 'shop', resourceVersion: '1' }, spec: { host: 'reviews.shop.svc.cluster.local', subsets: [{ name: 'v1' }, { name: 'v2' }, { name: 'v3' }] } }

describe('cluster canary targets', () => {
  it('offers routes with two destinations, or one whose DestinationRule has two subsets; skips the rest', () => {
    const targets = clusterCanaryTargets('kind-a', [vs('reviews')], [rule], 'settle')
    expect(targets.map((t) => [t.label, t.ref.route])).toEqual([
      ['shop/reviews › one', { name: 'one' }],
      ['shop/reviews › split', { name: 'split' }],
    ])
    expect(targets[1]).toMatchObject({ ref: { context: 'kind-a', namespace: 'shop', name: 'reviews' }, subsets: ['v1', 'v2', 'v3'], file: null, propagation: 'settle', ownedBy: null })
    expect(targets[0]?.destinations).toEqual([{ key: 'v1', host: 'reviews', subset: 'v1', weight: 100 }])
  })

  it('names the controller that owns an object: Flagger owner, Argo annotation, Argo or Flagger field manager', () => {
    const owned = [
      vs('a', { ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'reviews' }] }),
      vs('b', { annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'reviews-rollout' } }),
      vs('c', { managedFields: [{ manager: 'rollouts-controller', operation: 'Update' }] }),
      vs('d', { managedFields: [{ manager: 'flagger', operation: 'Update' }] }),
      vs('e', { managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }] }),
    ]
    const reasons = Object.fromEntries(clusterCanaryTargets('c', owned, [rule], '').filter((t) => 'name' in t.ref.route && t.ref.route.name === 'split').map((t) => [t.ref.name, t.ownedBy]))
    expect(reasons.a).toMatch(/^Flagger owns it \(Canary "reviews"\)/)
    expect(reasons.b).toMatch(/^Argo Rollouts manages it \(Rollout "reviews-rollout"/)
    expect(reasons.c).toMatch(/field manager rollouts-controller/)
    expect(reasons.d).toMatch(/field manager flagger/)
    expect(reasons.e).toBeNull()
  })

  it('resolves short hosts against the namespace the way Istio does', () => {
    expect(fullHost('reviews', 'shop')).toBe('reviews.shop.svc.cluster.local')
    expect(fullHost('reviews.other', 'shop')).toBe('reviews.other.svc.cluster.local')
    expect(fullHost('reviews.other.svc', 'shop')).toBe('reviews.other.svc.cluster.local')
    expect(fullHost('api.example.com', 'shop')).toBe('api.example.com')
  })
})

describe('weights on a live spec.http', () => {
  it('changes only the chosen route’s weights, copies everything else, and adds a new subset on the host', () => {
    const http = vs('r').spec!.http!
    const next = withRouteWeights(http, { name: 'split' }, { v1: 50, v2: 40, v3: 10 }, 'reviews')
    expect(next[0]).toEqual(http[0])
    expect(next[1]).toEqual(http[1])
    expect(next[2]).toEqual({
      name: 'split',
      x: { y: 1 },
      route: [
        { destination: { host: 'reviews', subset: 'v1' }, weight: 50, extra: true },
        { destination: { host: 'reviews', subset: 'v2' }, weight: 40 },
        { destination: { host: 'reviews', subset: 'v3' }, weight: 10 },
      ],
    })
    expect(http[2]?.route?.[0]?.weight).toBe(70) // the input is not touched
  })

  it('names the routes there are when the selector matches none', () => {
    expect(() => withRouteWeights(vs('r').spec!.http!, { name: 'nope' }, { v1: 100 }, 'reviews')).toThrow(
      expect.objectContaining({ message: 'No http route named "nope".', hint: 'Routes here: one, #1, split.' }),
    )
  })

  it('leaves managedFields and the rollout JSON out of the YAML a person reviews', () => {
    const text = reviewYaml(vs('r', { managedFields: [{ manager: 'x' }], annotations: { 'meshdeck.io/rollout': '{"big":"json"}', team: 'a' } }))
    expect(text).not.toContain('managedFields')
    expect(text).toContain('meshdeck.io/rollout: (Meshdeck rollout state)')
    expect(text).toContain('team: a')
  })
})

const spec = {
  id: 'kind-a.shop.reviews.split.x1',
  host: 'reviews',
  stable: 'v1',
  canary: 'v2',
  others: ['v3'],
  plan: { steps: [10, 50, 100], intervalSeconds: 30, analysis: { maxErrorRate: 0.05, maxP99Ms: 500, minRequests: 20 } },
  target: { context: 'kind-a', namespace: 'shop', name: 'reviews', route: { name: 'split' } },
}

describe('rollout state in an annotation', () => {
  it('round-trips a rollout and refuses an annotation someone broke, saying why', () => {
    const state = startRollout(spec, 1000).state
    expect(decodeRolloutState(encodeRolloutState(state))).toEqual(state)
    expect(decodeRolloutState('{not json')).toEqual({ problem: 'the meshdeck.io/rollout annotation is not JSON' })
    expect(decodeRolloutState(JSON.stringify({ ...state, phase: 'sideways' }))).toMatchObject({ problem: expect.stringMatching(/is not a rollout/) })
  })
})

describe('rollout history rows', () => {
  const finished = (id: string, at: number, patch: Partial<RolloutState>): RolloutStateDto => ({
    ...startRollout({ ...spec, id }, at).state,
    ...patch,
  })

  it('lists finished rollouts newest first with outcome, metric and value, steps reached and plan', () => {
    const rows = historyRows([
      finished('old', 1000, { phase: 'promoted', stepIndex: 2 }),
      finished('running', 5000, { phase: 'analysing' }),
      finished('new', 3000, { phase: 'rolledBack', stepIndex: 1, failure: { ok: false, metric: 'errorRate', value: 0.3, threshold: 0.05, message: '' } }),
      finished('mid', 2000, { phase: 'aborted', stepIndex: 0 }),
    ])
    expect(rows.map((r) => [r.id, r.outcomeText, r.reached])).toEqual([
      ['new', 'Rolled back: error rate 30.0 % (limit 5.0 %)', '2 of 3 (50 %)'],
      ['mid', 'Aborted', '1 of 3 (10 %)'],
      ['old', 'Promoted', '3 of 3 (100 %)'],
    ])
    expect(rows[0]).toMatchObject({ route: 'kind-a: shop/reviews › split', subsets: 'v1 → v2', startedAt: 3000, plan: '10, 50, 100 % every 30 s; errors ≤ 5.0 %, p99 ≤ 500 ms, ≥ 20 requests' })
  })
})
