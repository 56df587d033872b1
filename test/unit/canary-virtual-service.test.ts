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

describe('a VirtualService among other documents in one file', () => {
  const file = `# mesh config\napiVersion: networking.istio.io/v1beta1\nkind: DestinationRule\nmetadata: { name: reviews }\nspec: { host: reviews.demo.svc }\n---\n${written}---\napiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata: { name: ratings }\nspec:\n  hosts: [ratings]\n  http:\n  - route:\n    - destination: { host: ratings, subset: v1 }\n      weight: 100\n`

  it('edits only the named VirtualService and leaves the other documents byte for byte', () => {
    const after = setRouteWeights(file, { name: 'default' }, { v1: 60, v3: 40 }, 'reviews.demo.svc', { name: 'reviews' })
    const changed = lineDiff(file, after).filter((l) => l.kind !== 'same')
    expect(changed.map((l) => l.text)).toEqual(['      weight: 90', '      weight: 60', '      weight: 10', '      weight: 40'])
    expect(readRouteDestinations(after, { index: 0 }, { name: 'ratings' })).toEqual([{ key: 'v1', host: 'ratings', subset: 'v1', weight: 100 }])
  })

  it('keeps every document when a destination has to be added', () => {
    const after = setRouteWeights(file, { index: 0 }, { v1: 90, v2: 10 }, 'ratings', { name: 'ratings' })
    expect(after).toContain('# mesh config')
    expect(after).toContain('kind: DestinationRule')
    expect(readRouteDestinations(after, { index: 0 }, { name: 'ratings' }).map((d) => [d.key, d.weight])).toEqual([['v1', 90], ['v2', 10]])
    expect(readRouteDestinations(after, { name: 'default' }, { name: 'reviews' }).map((d) => d.weight)).toEqual([90, 10])
  })
})
