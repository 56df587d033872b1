import { CoreV1Api } from '@kubernetes/client-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, LogOptions, SpanLogsDto } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { timedLinesIn } from '../../src/renderer/src/lib/log-window'
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
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: cluster.kubeconfigPath, dataDir: cluster.dir, tracesPort: 0 })
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

describe('from a span to its pod\'s logs', () => {
  it('names the pod and container the span came from, and its log lines around the span\'s time come through the API server', async () => {
    // A sidecar-injected workload's OpenTelemetry SDK with the k8s resource detector, as on a cluster.
    const now = Date.now()
    const traceId = 'a1'.repeat(16)
    const spanId = 'b2'.repeat(8)
    const resource = { attributes: [['service.name', 'api'], ['k8s.namespace.name', 'default'], ['k8s.pod.name', 'api'], ['k8s.container.name', 'server']].map(([key, value]) => ({ key, value: { stringValue: value } })) }
    const span = { traceId, spanId, name: 'GET /items', kind: 2, startTimeUnixNano: String(BigInt(now) * 1_000_000n), endTimeUnixNano: String(BigInt(now + 20) * 1_000_000n), status: { code: 1 } }
    const sent = await fetch(meshdeck.traces.collector.otlpUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans: [span] }] }] }) })
    expect(sent.status).toBe(200)

    const selected = await meshdeck.router.call('clusters.selectContext', { name: 'admin' })
    expect(selected.ok).toBe(true)
    const found = await meshdeck.router.call('traces.spanLogs', { traceId, spanId, marginMs: 60_000 })
    expect(found.ok && found.result).toEqual({ source: 'pod', context: 'admin', namespace: 'default', pod: 'api', container: 'server', fromMs: now - 60_000, toMs: now + 20 + 60_000 })
    const result = (found.ok ? found.result : null) as SpanLogsDto
    if (result.source !== 'pod') return

    // What the span's side panel does with it: read with timestamps, keep the lines in the window.
    const id = await start({ context: result.context!, namespace: result.namespace, pod: result.pod, container: result.container!, timestamps: true, tailLines: 4 })
    await until('the stream to end', () => ended.has(id))
    expect(ended.get(id)).toBeNull()
    const inWindow = timedLinesIn(lines.get(id) ?? [], result.fromMs, result.toMs)
    expect(inWindow.map((l) => l.text)).toEqual([1, 2, 3, 4].map((n) => `${n} default/api/server INFO handled request`))
    // Lines from long before the span are not its logs.
    expect(timedLinesIn(lines.get(id) ?? [], result.fromMs - 3_600_000, result.fromMs - 3_000_000)).toEqual([])
  })
})
