import { describe, expect, it } from 'vitest'
import { analyzeMesh, clusterAnalysisPlan } from '../../src/main/analysis'
import { analyzers } from '../../src/main/analysis/analyzers'
import { createSnapshot, parseMeshYaml } from '../../src/main/mesh'

// What a cluster analysis runs when the kubeconfig user may not list everything: never a finding
// that only says "I could not see it".
const all = analyzers.map((a) => a.name)

describe('clusterAnalysisPlan', () => {
  it('runs every analyzer and says nothing when every list was read', () => {
    expect(clusterAnalysisPlan(all, [], 'prod')).toEqual({ analyzers: undefined, withoutCodes: [], note: null })
  })

  it('leaves out what needs Services, endpoints or Pods when one could not be listed, and says so', () => {
    const plan = clusterAnalysisPlan(all, ['Services', 'Pods'], 'prod')
    expect(plan.analyzers).not.toContain('virtualservice.DestinationHostAnalyzer')
    expect(plan.analyzers).not.toContain('virtualservice.DestinationRuleAnalyzer')
    expect(plan.analyzers).toContain('virtualservice.RetryBudgetAnalyzer')
    expect(plan.withoutCodes).toEqual(['MDK0004'])
    expect(plan.note).toBe(
      'Services, Pods of context "prod" could not be listed, so destination hosts and subsets, endpoints, workload selectors, principals and mTLS were not checked. Grant list on them to the kubeconfig user to check everything.',
    )
  })

  it('gives no Error for a VirtualService whose Service the user cannot see', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v1 }
      weight: 50
    - destination: { host: reviews, subset: v3 }
      weight: 50
`
    const snapshot = createSnapshot(1, parseMeshYaml(yaml, 'vs.yaml').objects)
    const blind = analyzeMesh({ snapshot }).findings
    // Everything run, the unseen Service reads as missing: the Errors a blind user must not get.
    expect(blind.filter((f) => f.level === 'Error').length).toBeGreaterThan(0)
    const plan = clusterAnalysisPlan(all, ['Services', 'EndpointSlices', 'Pods'], 'prod')
    const shown = analyzeMesh({ snapshot, analyzers: plan.analyzers }).findings.filter((f) => !plan.withoutCodes.includes(f.code))
    expect(shown.filter((f) => f.level === 'Error')).toEqual([])
  })
})
