import { describe, expect, it } from 'vitest'
import { Pod } from '../../src/main/model'

/** A pod of a Deployment whose sidecar crash-loops, as a 1.29 server returns it. */
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'reviews-v2-7c4b9d-x2kq8',
    generateName: 'reviews-v2-7c4b9d-',
    namespace: 'shop',
    uid: 'pod-1',
    labels: { app: 'reviews', version: 'v2', 'pod-template-hash': '7c4b9d' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-v2-7c4b9d', uid: 'rs-1', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    serviceAccountName: 'reviews',
    nodeName: 'worker-1',
    initContainers: [{ name: 'init-certs', image: 'meshdeck/certs:1' }],
    containers: [
      { name: 'reviews', image: 'shop/reviews:2.1', ports: [{ containerPort: 9080 }] },
      { name: 'log-shipper', image: 'fluent/fluent-bit:3' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.2.9',
    initContainerStatuses: [{ name: 'init-certs', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    containerStatuses: [
      { name: 'reviews', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-12T09:15:00Z' } } },
      { name: 'log-shipper', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } }, lastState: { terminated: { exitCode: 1 } } },
    ],
  },
}

describe('Pod.read', () => {
  it('reads containers, their statuses and states, the node, IP and service account', () => {
    const p = Pod.read(pod)
    expect(p.metadata.labels).toEqual(pod.metadata.labels)
    expect(p.spec).toMatchObject({ serviceAccountName: 'reviews', nodeName: 'worker-1' })
    expect(p.spec.containers.map((c) => c.name)).toEqual(['reviews', 'log-shipper'])
    expect(p.spec.initContainers).toEqual([{ name: 'init-certs', image: 'meshdeck/certs:1' }])
    expect(p.status).toMatchObject({ phase: 'Running', podIP: '10.244.2.9', reason: undefined })
    expect(p.status.initContainerStatuses[0]!.state.terminated).toEqual({ reason: 'Completed', exitCode: 0 })
    expect(p.status.containerStatuses[0]!.state).toEqual({ running: { startedAt: '2026-01-12T09:15:00Z' }, waiting: undefined, terminated: undefined })
    expect(p.status.containerStatuses[1]).toMatchObject({ ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } } })
  })

  it('reads an evicted pod: its status reason, no IP, no container statuses', () => {
    const p = Pod.read({ metadata: { name: 'x', namespace: 'shop' }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' } })
    expect(p.status).toEqual({ phase: 'Failed', reason: 'Evicted', podIP: undefined, containerStatuses: [], initContainerStatuses: [] })
    // No serviceAccountName: the API's default is the caller's to apply.
    expect(p.spec.serviceAccountName).toBeUndefined()
  })

  it('reads a pod being created (no status yet) and odd container states without failing', () => {
    const p = Pod.read({ metadata: { name: 'x', deletionTimestamp: '2026-01-12T10:00:00Z' }, spec: { containers: 'app' }, status: { containerStatuses: [{ name: 'a', ready: 'yes', restartCount: '3', state: { running: true } }] } })
    expect(p.metadata.deletionTimestamp).toBe('2026-01-12T10:00:00Z')
    expect(p.spec.containers).toEqual([])
    expect(p.status.containerStatuses[0]).toEqual({ name: 'a', ready: undefined, restartCount: undefined, state: { running: undefined, waiting: undefined, terminated: undefined } })
  })
})
