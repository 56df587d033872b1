import { describe, expect, it } from 'vitest'
import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../../src/main/model'

const template = { metadata: { labels: { app: 'reviews', version: 'v2' } }, spec: { containers: [{ name: 'reviews', image: 'shop/reviews:2.1' }] } }

describe('workload kinds', () => {
  it('reads a Deployment whose rollout hit its progress deadline', () => {
    const d = Deployment.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'reviews-v2', namespace: 'shop', uid: 'd1', generation: 4, annotations: { 'deployment.kubernetes.io/revision': '4' } },
      spec: { replicas: 3, selector: { matchLabels: { app: 'reviews', version: 'v2' } }, template, strategy: { type: 'RollingUpdate' } },
      status: {
        observedGeneration: 4,
        replicas: 3,
        updatedReplicas: 1,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
          { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "reviews-v2-7c4b9d" has timed out progressing.' },
        ],
      },
    })
    expect(d.kind).toBe('Deployment')
    expect(d.metadata).toMatchObject({ generation: 4, annotations: { 'deployment.kubernetes.io/revision': '4' } })
    expect(d.spec).toEqual({ replicas: 3, paused: undefined, selector: { matchLabels: { app: 'reviews', version: 'v2' } }, template: { metadata: { labels: { app: 'reviews', version: 'v2' } } } })
    expect(d.status).toMatchObject({ observedGeneration: 4, updatedReplicas: 1, readyReplicas: 2, availableReplicas: 2 })
    expect(d.status.conditions[1]).toMatchObject({ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' })
  })

  it('reads StatefulSet, ReplicaSet and DaemonSet counters, each kind its own', () => {
    expect(StatefulSet.read({ spec: { replicas: 3, template }, status: { readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1 } }).status).toMatchObject({ readyReplicas: 3, currentReplicas: 2 })
    expect(ReplicaSet.read({ metadata: { ownerReferences: [{ kind: 'Deployment', name: 'reviews-v2', controller: true }] }, spec: { replicas: 2 }, status: { fullyLabeledReplicas: 2 } })).toMatchObject({
      kind: 'ReplicaSet',
      metadata: { ownerReferences: [{ kind: 'Deployment', name: 'reviews-v2', controller: true }] },
      status: { fullyLabeledReplicas: 2 },
    })
    const ds = DaemonSet.read({ spec: { selector: { matchLabels: { k8s: 'fluent' } }, template }, status: { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } })
    expect(ds.spec.replicas).toBeUndefined()
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 })
  })

  it('reads replicas left out, null or not a number as absent (the API defaults it to 1)', () => {
    for (const replicas of [undefined, null, '3', Number.NaN]) expect(Deployment.read({ spec: { replicas } }).spec.replicas).toBeUndefined()
    expect(Deployment.read({ spec: { replicas: 0 } }).spec.replicas).toBe(0)
    expect(Deployment.read({ spec: { paused: true } }).spec.paused).toBe(true)
    expect(Deployment.read({ spec: { template: { metadata: { labels: 'app=web' } } } }).spec.template.metadata.labels).toEqual({})
  })
})
