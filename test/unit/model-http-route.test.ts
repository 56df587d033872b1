import { parseDocument, isMap, type YAMLMap, type YAMLSeq } from 'yaml'
import { describe, expect, it } from 'vitest'
import { destinationKey, effectiveWeight, routeSelectorOf, routeWeights, selectRoute, type HttpRoute } from '../../src/main/model'

const http: HttpRoute[] = [
  { name: 'testers', match: [{ headers: { 'x-tester': { exact: 'yes' } } }], route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
  { route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 90 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 10 }] },
  { name: 'testers', route: [{ destination: { host: 'ratings' } }] },
]

describe('selectRoute', () => {
  it('picks the first route with the name, or the route at the position', () => {
    expect(selectRoute(http, { name: 'testers' })).toEqual({ route: http[0], index: 0 })
    expect(selectRoute(http, { index: 1 })).toEqual({ route: http[1], index: 1 })
  })

  it('picks nothing for a name no route has, or a position out of range', () => {
    expect(selectRoute(http, { name: 'canary' })).toBeUndefined()
    for (const index of [3, -1, 1.5]) expect(selectRoute(http, { index })).toBeUndefined()
    expect(selectRoute([], { index: 0 })).toBeUndefined()
  })

  it('selects the same way in a YAML file, by the nodes the file holds', () => {
    const doc = parseDocument('spec:\n  http:\n    - name: testers\n      route: []\n    - route: []\n')
    const routes = (doc.getIn(['spec', 'http']) as YAMLSeq).items.filter(isMap) as YAMLMap[]
    expect(selectRoute(routes, { name: 'testers' }, (r) => r.get('name'))?.index).toBe(0)
    expect(selectRoute(routes, { index: 1 }, (r) => r.get('name'))?.route).toBe(routes[1])
  })

  it('selects a route again by its name, else by position (an empty name is no name)', () => {
    expect(routeSelectorOf(http[0]!, 0)).toEqual({ name: 'testers' })
    expect(routeSelectorOf(http[1]!, 1)).toEqual({ index: 1 })
    expect(routeSelectorOf({ name: '' }, 4)).toEqual({ index: 4 })
  })
})

describe('route weights, as Istio reads them', () => {
  it('gives a lone destination without a weight all traffic, and a missing weight among several 0', () => {
    expect(routeWeights(http[0]!)).toEqual({ v3: 100 })
    expect(routeWeights(http[1]!)).toEqual({ v1: 90, v2: 10 })
    expect(routeWeights({ route: [{ destination: { host: 'a', subset: 'v1' }, weight: 100 }, { destination: { host: 'a', subset: 'v2' } }] })).toEqual({ v1: 100, v2: 0 })
    expect(routeWeights({})).toEqual({})
    expect(effectiveWeight('50', 2)).toBe(0)
  })

  it('keys a destination by its subset, else its host', () => {
    expect(destinationKey({ destination: { host: 'ratings' } })).toBe('ratings')
    expect(destinationKey({ destination: { host: 'reviews', subset: 'v2' } })).toBe('v2')
    // A cluster object is not validated before it is read.
    expect(destinationKey({} as never)).toBe('')
  })
})
