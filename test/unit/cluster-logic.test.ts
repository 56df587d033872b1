import { describe, expect, it } from 'vitest'
import { classifyKubeFailure } from '../../src/main/cluster/connection-errors'
import { ChangeBatcher } from '../../src/main/cluster/io/resources/change-batcher'
import { backoffDelay } from '../../src/main/cluster/io/resources/backoff'
import { endpointsRow, nodeRow, podRow, serviceRow, workloadRow } from '../../src/main/cluster/resources/summarize'
import type { ResourceChange, ResourceRow } from '@shared/contract'

const server = 'https://10.0.0.1:6443'

describe('classifyKubeFailure', () => {
  it('names the cause and the fix for each kind of failure', () => {
    expect(classifyKubeFailure({ server, errno: 'ECONNREFUSED', detail: '' }).code).toBe('cluster_unreachable')
    expect(classifyKubeFailure({ server, errno: 'SELF_SIGNED_CERT_IN_CHAIN', detail: 'self signed' }).code).toBe('cluster_tls')
    expect(classifyKubeFailure({ server, status: 401, detail: 'Unauthorized' }).hint).toContain('log in again')
    expect(classifyKubeFailure({ server, status: 403, detail: 'pods is forbidden' }).message).toContain('pods is forbidden')
    const expired = classifyKubeFailure({ server, status: 401, detail: '', clientCertNotAfter: new Date('2020-01-01'), now: new Date('2021-01-01') })
    expect(expired.code).toBe('credentials_expired')
    expect(expired.message).toContain('2020-01-01')
  })
})

describe('row summaries', () => {
  it('shows a crash-looping pod the way kubectl does', () => {
    const row = podRow({
      metadata: { uid: 'u1', name: 'api-1', namespace: 'shop', labels: { app: 'api' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'api-7f', controller: true }] },
      spec: { nodeName: 'n1', containers: [{ name: 'api', image: 'api:1' }, { name: 'proxy', image: 'envoy' }] },
      status: {
        phase: 'Running',
        podIP: '10.1.0.4',
        containerStatuses: [
          { name: 'api', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
          { name: 'proxy', ready: true, restartCount: 0, state: { running: {} } },
        ],
      },
    })
    expect(row).toMatchObject({ status: 'CrashLoopBackOff', ready: 1, total: 2, restarts: 7, node: 'n1', owner: { kind: 'ReplicaSet', name: 'api-7f' } })
    expect(Object.keys(row)).not.toContain('spec')
  })

  it('marks a pod being deleted as Terminating', () => {
    expect(podRow({ metadata: { uid: 'u', name: 'p', deletionTimestamp: '2024-01-01T00:00:00Z' }, status: { phase: 'Running' } }).status).toBe('Terminating')
  })

  it('reads node roles, readiness and capacity', () => {
    const row = nodeRow({
      metadata: { uid: 'n', name: 'cp-1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }], nodeInfo: { kubeletVersion: 'v1.29.0' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
    })
    expect(row).toMatchObject({ status: 'NotReady', roles: ['control-plane'], version: 'v1.29.0', capacity: { cpu: '4', memory: '8Gi', pods: '110' } })
  })

  it('tells a finished rollout from one in progress and a failed one', () => {
    const done = workloadRow('deployments', { metadata: { uid: 'd', name: 'web', generation: 2 }, spec: { replicas: 3 }, status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 } })
    expect(done.rollout).toBe('complete')
    const moving = workloadRow('deployments', { metadata: { uid: 'd', name: 'web', generation: 3 }, spec: { replicas: 3 }, status: { observedGeneration: 3, readyReplicas: 3, updatedReplicas: 1 } })
    expect(moving.rollout).toBe('progressing')
    const failed = workloadRow('deployments', {
      metadata: { uid: 'd', name: 'web', generation: 3 },
      spec: { replicas: 3 },
      status: { observedGeneration: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-2" has timed out progressing.' }] },
    })
    expect(failed).toMatchObject({ rollout: 'failed', message: 'ReplicaSet "web-2" has timed out progressing.' })
  })

  it('formats service ports and reads old-style Endpoints', () => {
    expect(serviceRow({ metadata: { uid: 's', name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.96.0.9', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }] } }).ports).toEqual(['http 80:30080/TCP→8080'])
    const ep = endpointsRow({ metadata: { uid: 'e', name: 'web', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '10.1.0.1' }], notReadyAddresses: [{ ip: '10.1.0.2' }] }] })
    expect(ep).toMatchObject({ service: 'web', ready: ['10.1.0.1'], notReady: ['10.1.0.2'] })
  })
})

describe('ChangeBatcher', () => {
  it('collapses many changes to one row into its last state, with rising versions', () => {
    const sent: ResourceChange[][] = []
    const batcher = new ChangeBatcher((c) => sent.push(c), 1_000_000)
    const row = (restarts: number): ResourceRow => podRow({ metadata: { uid: 'p1', name: 'p' }, spec: { containers: [{ name: 'c' }] }, status: { containerStatuses: [{ name: 'c', restartCount: restarts }] } })
    for (let i = 0; i < 20; i++) batcher.add('ctx', 'pods', [row(i)], [])
    batcher.add('ctx', 'pods', [], ['gone'])
    batcher.flush()
    expect(sent).toHaveLength(1)
    expect(sent[0]?.[0]).toMatchObject({ version: 1, deletes: ['gone'] })
    expect(sent[0]?.[0]?.upserts).toHaveLength(1)
    expect(sent[0]?.[0]?.upserts[0]).toMatchObject({ restarts: 19 })
    batcher.add('ctx', 'pods', [], ['p1'])
    batcher.flush()
    expect(sent[1]?.[0]).toMatchObject({ version: 2, upserts: [], deletes: ['p1'] })
    expect(batcher.version('ctx', 'pods')).toBe(2)
    batcher.dispose()
  })

  it('backs off exponentially up to 30 seconds', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500)
    expect(backoffDelay(3, () => 0.5)).toBe(4000)
    expect(backoffDelay(20, () => 0.5)).toBe(30_000)
  })
})
