import { describe, expect, it } from 'vitest'
import { createSnapshot, guardSnapshot, parseMeshYaml, type MeshSnapshot } from '../../src/main/mesh'
import { destinationRuleYaml, serviceEntryYaml, toYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'

const base = [
  serviceEntryYaml({ name: 'reviews', host: 'reviews.demo', port: 9080 }),
  workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: 1 }),
  destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1'] }),
]
const route = (subset: string) => virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset } }] }] })

function snapshot(version: number, docs: Record<string, unknown>[]): MeshSnapshot {
  return createSnapshot(version, parseMeshYaml(toYaml(docs), 'm.yaml').objects)
}

describe('guardSnapshot', () => {
  it('serves a valid config as is', () => {
    const candidate = snapshot(1, [...base, route('v1')])
    expect(guardSnapshot(candidate, null)).toEqual({ snapshot: candidate, rejected: [], problems: [] })
  })

  it('keeps the last good version of an object an edit broke, and applies the rest', () => {
    const good = snapshot(1, [...base, route('v1')])
    const candidate = snapshot(2, [...base, workloadEntryYaml({ name: 'reviews-v1b', app: 'reviews', version: 'v1', port: 2 }), route('v9')])
    const guarded = guardSnapshot(candidate, good)
    expect(guarded.rejected).toEqual(['VirtualService/demo/reviews'])
    expect(guarded.snapshot.version).toBe(2)
    expect(guarded.snapshot.virtualServices[0]?.spec).toEqual(good.virtualServices[0]?.spec)
    expect(guarded.snapshot.workloadEntries.map((w) => w.name)).toEqual(['reviews-v1', 'reviews-v1b'])
    expect(guarded.problems.map((p) => p.field)).toEqual(['spec.http[0].route[0].destination.subset'])
  })

  it('leaves out a new invalid object, and objects that break because of another change', () => {
    const good = snapshot(1, [...base, route('v1')])
    // The DestinationRule is removed: the VirtualService's subset no longer exists, and it has no better last version.
    const candidate = snapshot(2, [base[0] as Record<string, unknown>, base[1] as Record<string, unknown>, route('v1')])
    const guarded = guardSnapshot(candidate, good)
    expect(guarded.rejected).toEqual(['VirtualService/demo/reviews'])
    expect(guarded.snapshot.virtualServices).toEqual([])
  })
})
