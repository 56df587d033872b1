import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, LogOptions } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { adminKubeConfig, createNodes, startKubeletLogServer, TestCluster, type KubeletLogServer } from '../cluster'

// Real kube-apiserver proxying pods/log to the node's kubelet endpoint. No kubelet runs here, so
// that endpoint is a small HTTPS server in the test (startKubeletLogServer) — the one stand-in.
let cluster: TestCluster
let logServer: KubeletLogServer
let meshdeck: Meshdeck
const lines = new Map<string, string[]>()
const ended = new Map<string, ApiError | null>()

beforeAll(async () => {
  cluster = await TestCluster.start()
  logServer = await startKubeletLogServer(cluster.pki)
  const kc = adminKubeConfig(cluster)
  await createNodes(kc, ['node-logs'], { kubeletPort: logServer.port })
  await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'api' }, spec: { nodeName: 'node-logs', containers: [{ name: 'server', image: 'api:1' }, { name: 'sidecar', image: 'proxy:1' }] } } })
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, dataDir: cluster.dir })
  meshdeck.bus.subscribe((name, payload) => {
    if (name === 'logs.lines') {
      const p = payload as { streamId: string; lines: string[] }
      lines.set(p.streamId, [...(lines.get(p.streamId) ?? []), ...p.lines])
    }
    if (name === 'logs.ended') {
      const p = payload as { streamId: string; error: ApiError | null }
      ended.set(p.streamId, p.error)
    }
  })
})

afterAll(async () => {
  await meshdeck?.dispose()
  await logServer?.stop()
  await cluster?.stop()
})

async function start(opts: Partial<LogOptions>): Promise<string> {
  const outcome = await meshdeck.router.call('logs.start', { context: 'admin', namespace: 'default', pod: 'api', container: 'server', follow: false, previous: false, timestamps: false, tailLines: 5, ...opts })
  if (!outcome.ok) throw new Error(outcome.error.message)
  return (outcome.result as { streamId: string }).streamId
}

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('connecting on first use', () => {
  it('shares one connection when a view subscribes to several kinds at once', async () => {
    const outcomes = await Promise.all(['pods', 'nodes', 'namespaces', 'events'].map((kind) => meshdeck.router.call('resources.subscribe', { context: 'admin', kind })))
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true])
    const connections = await meshdeck.router.call('clusters.connections', {})
    expect(connections.ok && connections.result).toEqual([expect.objectContaining({ context: 'admin', state: 'connected' })])
  })
})

describe('pod logs through the API server', () => {
  it('reads the last lines of the chosen container and ends', async () => {
    const id = await start({ container: 'sidecar', tailLines: 3 })
    await until('the stream to end', () => ended.has(id))
    expect(ended.get(id)).toBeNull()
    expect(lines.get(id)).toEqual(['1 default/api/sidecar INFO handled request', '2 default/api/sidecar INFO handled request', '3 default/api/sidecar INFO handled request'])
  })

  it('follows with timestamps until stopped, then sends nothing more', async () => {
    const id = await start({ follow: true, timestamps: true })
    await until('lines beyond the tail', () => (lines.get(id)?.length ?? 0) >= 10)
    expect(lines.get(id)?.[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z 1 default\/api\/server /)
    await meshdeck.router.call('logs.stop', { streamId: id })
    expect(ended.get(id)).toBeNull()
    const count = lines.get(id)?.length ?? 0
    await new Promise((r) => setTimeout(r, 400))
    expect(lines.get(id)?.length).toBe(count)
  })

  it('explains why there is no previous log', async () => {
    const id = await start({ previous: true })
    await until('the stream to end', () => ended.has(id))
    expect(ended.get(id)).toMatchObject({ code: 'logs_unavailable' })
    expect(ended.get(id)?.hint).toContain('has not restarted')
  })
})
