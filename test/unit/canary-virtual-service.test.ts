import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readRouteDestinations, setRouteWeights } from '../../src/main/canary/virtual-service-weights'
import { controllerOwnership } from '../../src/main/canary/ownership'
import { lineDiff } from '@shared/canary/line-diff'

// A VirtualService someone else wrote, with comments and fields Meshdeck does not model.
const written = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: reviews
  annotations:
    team.example/owner: bookinfo # who to call
spec:
  hosts: [reviews.demo.svc]
  exportTo: ["."]
  http:
  - name: jason
    match:
    - headers:
        end-user: { exact: jason }
    route:
    - destination: { host: reviews.demo.svc, subset: v2 }
  - name: default
    mirror: { host: reviews-shadow.demo.svc }   # keep mirroring
    mirrorPercentage: { value: 5.0 }
    retries: { attempts: 3, perTryTimeout: 2s }
    route:
    - destination: { host: reviews.demo.svc, subset: v1 }
      weight: 90
      headers: { response: { add: { x-canary: "no" } } }
    - destination: { host: reviews.demo.svc, subset: v3 }
      weight: 10
`

describe('editing VirtualService weights', () => {
  it('changes only the chosen route’s weights; every other field and comment survives', () => {
    const after = setRouteWeights(written, { name: 'default' }, { v1: 75, v3: 25 }, 'reviews.demo.svc')
    expect(after).toContain('# who to call')
    expect(after).toContain('# keep mirroring')
    const changed = lineDiff(written, after).filter((l) => l.kind !== 'same')
    expect(changed).toEqual([
      { kind: 'removed', text: '      weight: 90' },
      { kind: 'added', text: '      weight: 75' },
      { kind: 'removed', text: '      weight: 10' },
      { kind: 'added', text: '      weight: 25' },
    ])
    const before = parse(written)
    const parsed = parse(after)
    expect(parsed.spec.http[0]).toEqual(before.spec.http[0])
    expect(parsed.spec.http[1].mirror).toEqual({ host: 'reviews-shadow.demo.svc' })
    expect(parsed.spec.http[1].route[0].headers).toEqual({ response: { add: { 'x-canary': 'no' } } })
  })

  it('adds a destination for a canary subset the route does not list yet', () => {
    const only = written.replace(/ {4}- destination: \{ host: reviews.demo.svc, subset: v3 \}\n {6}weight: 10\n/, '').replace('weight: 90', 'weight: 100')
    const after = setRouteWeights(only, { name: 'default' }, { v1: 95, v3: 5 }, 'reviews.demo.svc')
    expect(readRouteDestinations(after, { name: 'default' })).toEqual([
      { key: 'v1', host: 'reviews.demo.svc', subset: 'v1', weight: 95 },
      { key: 'v3', host: 'reviews.demo.svc', subset: 'v3', weight: 5 },
    ])
  })

  it('reads a lone destination without a weight as carrying all traffic', () => {
    expect(readRouteDestinations(written, { name: 'jason' })).toEqual([{ key: 'v2', host: 'reviews.demo.svc', subset: 'v2', weight: 100 }])
  })

  it('names the routes that exist when asked for one that does not', () => {
    expect(() => setRouteWeights(written, { name: 'nope' }, { v1: 100 }, 'reviews.demo.svc')).toThrow(/No http route named "nope"/)
  })
})

describe('objects owned by progressive-delivery controllers', () => {
  it('detects Flagger and Argo Rollouts and says what to change instead', () => {
    expect(controllerOwnership({ ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo' }] })).toMatch(/Flagger owns it \(Canary "podinfo"\)/)
    expect(controllerOwnership({ managedFields: [{ manager: 'rollouts-controller' }] })).toMatch(/Argo Rollouts/)
    expect(controllerOwnership({ managedFields: [{ manager: 'kubectl-client-side-apply' }] })).toBeNull()
  })
})
