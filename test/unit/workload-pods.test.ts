import { describe, expect, it } from 'vitest'
import type { ConfigRef } from '../../src/shared/contract'
import { parseWorkloads, podLogsLink, podOfWorkload } from '../../src/renderer/src/lib/workload-pods'

const node = (kind: 'version' | 'workload' | 'service', refs: ConfigRef[]) => ({ kind, refs })

describe("a topology workload's logs: the Pods page's log view of its pods", () => {
  it("links a cluster workload's node to the logs of its Deployment's and StatefulSet's pods, in its namespace", () => {
    expect(podLogsLink(node('version', [{ kind: 'Deployment', namespace: 'shop', name: 'reviews-v2' }]))).toEqual({
      path: '/pods',
      query: { namespace: 'shop', workloads: 'Deployment/reviews-v2', tab: 'logs' },
    })
    expect(podLogsLink(node('workload', [{ kind: 'StatefulSet', namespace: 'db', name: 'redis' }, { kind: 'Deployment', namespace: 'db', name: 'redis-proxy' }]))?.query.workloads).toBe(
      'StatefulSet/redis,Deployment/redis-proxy',
    )
  })

  it('gives no link where the side panel has the logs itself (a demo process) or where there are no pods (a service)', () => {
    expect(podLogsLink(node('version', [{ kind: 'WorkloadEntry', namespace: 'demo', name: 'reviews-v3' }]))).toBeNull()
    expect(podLogsLink(node('service', [{ kind: 'Deployment', namespace: 'shop', name: 'reviews-v2' }]))).toBeNull()
  })

  it('reads the link back, dropping what is not a workload name', () => {
    expect(parseWorkloads('Deployment/reviews-v2,StatefulSet/redis')).toEqual([
      { kind: 'Deployment', name: 'reviews-v2' },
      { kind: 'StatefulSet', name: 'redis' },
    ])
    expect(parseWorkloads('Pod/x,Deployment/Bad_Name,')).toEqual([])
    expect(parseWorkloads(undefined)).toEqual([])
  })

  it("matches a Deployment's pods through its ReplicaSets and a StatefulSet's directly, not a neighbour with a longer name", () => {
    const deployment = { kind: 'Deployment', name: 'reviews' } as const
    expect(podOfWorkload({ owner: { kind: 'ReplicaSet', name: 'reviews-7d9f8c6b5' } }, deployment)).toBe(true)
    expect(podOfWorkload({ owner: { kind: 'ReplicaSet', name: 'reviews-v2-7d9f8c6b5' } }, deployment)).toBe(false)
    expect(podOfWorkload({ owner: null }, deployment)).toBe(false)
    expect(podOfWorkload({ owner: { kind: 'StatefulSet', name: 'redis' } }, { kind: 'StatefulSet', name: 'redis' })).toBe(true)
    expect(podOfWorkload({ owner: { kind: 'StatefulSet', name: 'redis' } }, deployment)).toBe(false)
  })
})
