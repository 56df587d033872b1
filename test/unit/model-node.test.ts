import { describe, expect, it } from 'vitest'
import { Node, nodeRolePrefix } from '../../src/main/model'

describe('Node.read', () => {
  it('reads a kind control-plane node: role labels with empty values, conditions, addresses, capacity', () => {
    const node = Node.read({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kind-control-plane',
        uid: 'n1',
        labels: { 'kubernetes.io/hostname': 'kind-control-plane', 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
      },
      spec: { podCIDR: '10.244.0.0/24', providerID: 'kind://docker/kind/kind-control-plane', taints: [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }] },
      status: {
        addresses: [
          { type: 'InternalIP', address: '172.18.0.2' },
          { type: 'Hostname', address: 'kind-control-plane' },
        ],
        capacity: { cpu: '8', 'ephemeral-storage': '102626232Ki', memory: '16318584Ki', pods: '110' },
        allocatable: { cpu: '8', memory: '16318584Ki', pods: '110' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        nodeInfo: { kubeletVersion: 'v1.29.2', containerRuntimeVersion: 'containerd://1.7.13' },
      },
    })
    expect(Object.keys(node.metadata.labels).filter((k) => k.startsWith(nodeRolePrefix))).toEqual(['node-role.kubernetes.io/control-plane'])
    expect(node.spec.unschedulable).toBeUndefined()
    expect(node.status.addresses[0]).toEqual({ type: 'InternalIP', address: '172.18.0.2' })
    expect(node.status.capacity).toEqual({ cpu: '8', memory: '16318584Ki', pods: '110' })
    expect(node.status.conditions.find((c) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' })
    expect(node.status.nodeInfo.kubeletVersion).toBe('v1.29.2')
    expect(node.metadata.namespace).toBeUndefined()
  })

  it('reads a cordoned node that never reported status', () => {
    const node = Node.read({ metadata: { name: 'w' }, spec: { unschedulable: true } })
    expect(node.spec.unschedulable).toBe(true)
    expect(node.status).toEqual({ conditions: [], addresses: [], nodeInfo: { kubeletVersion: undefined }, capacity: { cpu: undefined, memory: undefined, pods: undefined }, allocatable: { cpu: undefined, memory: undefined, pods: undefined } })
  })
})
