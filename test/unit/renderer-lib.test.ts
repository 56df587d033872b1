import { describe, expect, it } from 'vitest'
import type { TopologyDiff, TopologyNode } from '@shared/contract'
import { ApiCallError } from '../../src/renderer/src/api/api-call-error'
import { errorText, presentError } from '../../src/renderer/src/lib/errors'
import { TopologyReplica } from '../../src/renderer/src/lib/topology-replica'

describe('the error presenter', () => {
  it('titles a failed call from its code and keeps its words and hint', () => {
    const err = new ApiCallError({ code: 'cluster_unreachable', message: 'Cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED).', hint: 'Check that the cluster is running.' })
    expect(presentError(err)).toEqual({
      code: 'cluster_unreachable',
      title: 'Cluster unreachable',
      message: 'Cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED).',
      hint: 'Check that the cluster is running.',
    })
    expect(errorText(err)).toBe('Cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED). Check that the cluster is running.')
  })

  it('presents an error that arrived as data (a connection, a feed, a log stream) the same way', () => {
    expect(presentError({ code: 'logs_unavailable', message: 'No previous log.', hint: '' })).toEqual({ code: 'logs_unavailable', title: 'No log to show', message: 'No previous log.', hint: null })
  })

  it('gives a thrown Error, a bare value and an unknown code a plain shape, never a stack', () => {
    const thrown = presentError(new TypeError('x is undefined'))
    expect(thrown).toEqual({ code: 'internal', title: 'Unexpected failure', message: 'x is undefined', hint: null })
    expect(presentError('socket closed')).toMatchObject({ code: 'internal', message: 'socket closed' })
    expect(presentError({ code: 'from_a_newer_main', message: 'm' })).toMatchObject({ code: 'from_a_newer_main', title: 'Error', message: 'm' })
  })

  it('passes an already presented error through unchanged', () => {
    const presented = { code: 'kubeconfig_invalid', title: 'Kubeconfig file not loaded', message: 'bad YAML', hint: null }
    expect(presentError(presented)).toEqual(presented)
  })
})

const node = (id: string, label = id): TopologyNode => ({ id, label }) as TopologyNode
const diff = (fromVersion: number, version: number, patch: Partial<TopologyDiff>): TopologyDiff => ({
  fromVersion,
  version,
  upsertNodes: [],
  removeNodes: [],
  upsertEdges: [],
  removeEdges: [],
  ...patch,
})

describe('the topology replica', () => {
  it('applies diffs in version order and keeps unchanged elements as the same objects', () => {
    const replica = new TopologyReplica()
    const a = node('a')
    replica.reset({ version: 3, nodes: [a, node('b')], edges: [] })
    expect(replica.apply(diff(3, 4, { upsertNodes: [node('c')], removeNodes: ['b'] }))).toBe('applied')
    const snap = replica.snapshot()
    expect(snap.nodes.map((n) => n.id)).toEqual(['a', 'c'])
    expect(snap.nodes[0]).toBe(a)
    expect(replica.version).toBe(4)
  })

  it('ignores a diff it already holds and reports a gap when one was missed', () => {
    const replica = new TopologyReplica()
    replica.reset({ version: 5, nodes: [node('a')], edges: [] })
    expect(replica.apply(diff(4, 5, { removeNodes: ['a'] }))).toBe('stale')
    expect(replica.apply(diff(6, 7, { removeNodes: ['a'] }))).toBe('gap')
    expect(replica.snapshot().nodes).toHaveLength(1)
    expect(replica.version).toBe(5)
  })
})
