import { describe, expect, it } from 'vitest'
import type { FindingDto } from '@shared/contract'
import { findingsFor, findingsOfKinds, groupFindings } from '../../src/renderer/src/lib/findings'

const finding = (over: Partial<FindingDto>): FindingDto => ({
  code: 'IST0101',
  level: 'Error',
  analyzer: 'virtualservice.DestinationRuleAnalyzer',
  kind: 'VirtualService',
  namespace: 'demo',
  name: 'reviews',
  message: 'Referenced host+subset in destinationrule not found: "reviews+v9"',
  fix: 'Define subset v9.',
  related: [],
  ...over,
})

const subsetMissing = finding({ file: 'reviews.yaml', line: 12, related: ['DestinationRule demo/reviews'] })
const unusedRule = finding({ code: 'IST0130', level: 'Warning', message: 'VirtualService rule 1 not used' })
const noPods = finding({ code: 'IST0173', kind: 'DestinationRule', name: 'ratings', message: 'The Subset v2 … does not select any pods.' })
const allowNothing = finding({ code: 'MDK0013', level: 'Warning', kind: 'AuthorizationPolicy', name: 'lockdown', message: 'allows nothing' })
const unreadable = finding({ code: 'MDK0007', kind: undefined, namespace: undefined, name: undefined, file: 'broken.yaml', line: 2, message: 'could not be parsed' })
const all = [allowNothing, unusedRule, unreadable, noPods, subsetMissing]

describe('the findings as the pages show them', () => {
  it('groups them by object, worst objects first, and each object\'s worst finding first', () => {
    const groups = groupFindings(all, new Set(['Error', 'Warning', 'Info']))
    expect(groups.map((g) => [g.subject, g.worst, g.findings.map((f) => f.code)])).toEqual([
      ['broken.yaml', 'Error', ['MDK0007']],
      ['DestinationRule demo/ratings', 'Error', ['IST0173']],
      ['VirtualService demo/reviews', 'Error', ['IST0101', 'IST0130']],
      ['AuthorizationPolicy demo/lockdown', 'Warning', ['MDK0013']],
    ])
  })

  it('shows only the levels chosen, and drops objects left without findings', () => {
    const groups = groupFindings(all, new Set(['Warning']))
    expect(groups.map((g) => [g.subject, g.findings.map((f) => f.code)])).toEqual([
      ['AuthorizationPolicy demo/lockdown', ['MDK0013']],
      ['VirtualService demo/reviews', ['IST0130']],
    ])
    expect(groupFindings(all, new Set())).toEqual([])
  })

  it('finds an object\'s findings, and those that name it as related', () => {
    expect(findingsFor(all, ['VirtualService demo/reviews']).map((f) => f.code)).toEqual(['IST0101', 'IST0130'])
    // The DestinationRule's page shows the route's missing subset too.
    expect(findingsFor(all, ['DestinationRule demo/reviews']).map((f) => f.code)).toEqual(['IST0101'])
    expect(findingsFor(all, ['ServiceEntry demo/reviews'])).toEqual([])
    expect(findingsOfKinds(all, ['AuthorizationPolicy', 'PeerAuthentication']).map((f) => f.code)).toEqual(['MDK0013'])
  })
})
