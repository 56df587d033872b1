import { describe, expect, it } from 'vitest'
import { compareAnalyses, type Finding } from '../../src/main/analysis'

const finding = (over: Partial<Finding>): Finding => ({
  code: 'MDK0019',
  level: 'Error',
  analyzer: 'virtualservice.RouteWeightAnalyzer',
  kind: 'VirtualService',
  namespace: 'demo',
  name: 'reviews',
  field: 'spec.http[0].route[1]',
  message: 'VirtualService rule default sends 20% of its requests to reviews+v2, which has no endpoints: those calls fail with UNAVAILABLE.',
  fix: 'Start v2 first.',
  related: [],
  ...over,
})

// What a weight edit would add to the findings decides whether it is written: only new Errors block.
describe('an edit compared with the mesh before it', () => {
  it('does not count a finding that was there before, though the edit changed the share it quotes or its index', () => {
    const before = [finding({}), finding({ code: 'IST0101', field: 'spec.http[0].route[0].destination.host', message: 'Referenced host not found: "reviews"' })]
    const after = [
      finding({ message: before[0]!.message.replace('20%', '10%') }),
      // A destination added to a route whose host is missing: the same finding on a new index.
      finding({ code: 'IST0101', field: 'spec.http[0].route[2].destination.host', message: 'Referenced host not found: "reviews"' }),
    ]
    expect(compareAnalyses(before, after)).toEqual({ introduced: [], blocking: [] })
  })

  it('blocks on an Error the edit adds, and reports a Warning it adds without blocking', () => {
    const toV3 = finding({ field: 'spec.http[0].route[2]', message: 'VirtualService rule default sends 10% of its requests to reviews+v3, which has no endpoints: those calls fail with UNAVAILABLE.' })
    const retries = finding({ code: 'MDK0012', level: 'Warning', analyzer: 'virtualservice.RetryBudgetAnalyzer', message: 'VirtualService rule default has timeout 1s, shorter than its retry budget 6s' })
    const result = compareAnalyses([finding({})], [finding({}), toV3, retries])
    expect(result.introduced).toEqual([toV3, retries])
    expect(result.blocking).toEqual([toV3])
  })
})
