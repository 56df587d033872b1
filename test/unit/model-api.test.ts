import { describe, expect, it } from 'vitest'
import { readGroupVersions, readListPage, readResourceNames, readStatus } from '../../src/main/model'

describe("the API server's envelopes", () => {
  it('reads a list page: its kind, where to continue, and items as objects', () => {
    const page = readListPage({
      kind: 'EndpointsList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '9120', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OTEyMH0' },
      items: [{ metadata: { name: 'reviews', uid: 'ep-1' }, subsets: [] }],
    })
    expect(page).toEqual({ kind: 'EndpointsList', metadata: { resourceVersion: '9120', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OTEyMH0' }, items: [{ metadata: { name: 'reviews', uid: 'ep-1' }, subsets: [] }] })
    // The last page has an empty continue token: the same as none.
    expect(readListPage({ metadata: { continue: '' }, items: null })).toEqual({ kind: undefined, metadata: { continue: undefined, resourceVersion: undefined }, items: [] })
  })

  it("reads a Status: a watch's 410 Gone and a Forbidden body", () => {
    expect(readStatus({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version: 12 (9120)', reason: 'Expired', code: 410 })).toEqual({ code: 410, reason: 'Expired', message: 'too old resource version: 12 (9120)' })
    expect(readStatus('<html>502 Bad Gateway</html>')).toEqual({ code: undefined, reason: undefined, message: undefined })
  })

  it('reads discovery: the versions a group serves and the resources of a group version', () => {
    expect(readGroupVersions({ kind: 'APIGroup', name: 'networking.istio.io', versions: [{ groupVersion: 'networking.istio.io/v1', version: 'v1' }, { groupVersion: 'networking.istio.io/v1alpha3', version: 'v1alpha3' }, {}], preferredVersion: { version: 'v1' } })).toEqual(['v1', 'v1alpha3'])
    expect(readResourceNames({ kind: 'APIResourceList', resources: [{ name: 'virtualservices', namespaced: true, kind: 'VirtualService' }, { name: 'virtualservices/status' }, { kind: 'x' }] })).toEqual(['virtualservices', 'virtualservices/status'])
    expect(readGroupVersions(null)).toEqual([])
  })
})
