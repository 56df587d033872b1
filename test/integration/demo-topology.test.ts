import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TopologyEdge, TopologyGraph } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { isAlive } from '../support/wait'

// The embedded default end to end, all real: Meshdeck's control plane on a free port, seven demo
// workload processes (proxyless gRPC xDS clients and servers, OpenTelemetry SDK exporting to the
// collector), LRS load reports and spans feeding the topology. Nothing is fed by the test.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-topology-'))
const kubeconfig = join(dir, 'config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')


async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

const reviews = 'svc:reviews.demo.svc.cluster.local'
const frontendToReviews = `req:ver:demo/frontend/v1->${reviews}`

describe('meshdeck with demo: true', () => {
  let meshdeck: Meshdeck | undefined
  const pids: number[] = []

  afterAll(async () => {
    await meshdeck?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows a living mesh: frontend → reviews with a request rate from load reports and a p99 from spans', async () => {
    const started = Date.now()
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, demo: true, xdsPort: 0, tracesPort: 0 })
    const md = meshdeck
    expect(md.controlPlane.status()).toMatchObject({ state: 'running', meshDir: join(dir, 'demo-mesh') })
    pids.push(...md.demo.status().workloads.flatMap((w) => (w.pid === null ? [] : [w.pid])))
    expect(pids).toHaveLength(7)

    const graph = async (): Promise<TopologyGraph> => {
      const outcome = await md.router.call('topology.get', {})
      if (!outcome.ok) throw new Error(JSON.stringify(outcome))
      return outcome.result as TopologyGraph
    }
    const edge = (g: TopologyGraph, id: string): TopologyEdge | undefined => g.edges.find((e) => e.id === id)
    const live = await until(
      'frontend → reviews with rps and p99',
      async () => {
        const g = await graph()
        const e = edge(g, frontendToReviews)
        return e && e.stats.rps > 0 && e.stats.p99Ms !== null ? g : null
      },
      60_000,
    )
    console.log(`first live frontend → reviews edge after ${Date.now() - started} ms: ${JSON.stringify(edge(live, frontendToReviews)?.stats)}`)

    // Spans joined across processes (traceparent in gRPC metadata): the callee's version is known per edge.
    const spanEdges = md.traces.edges.window(60).map((e) => `${e.source}>${e.destination}#${e.subset}`)
    expect(spanEdges).toEqual(expect.arrayContaining(['loadgen>frontend#v1', 'frontend>details#v1', 'frontend>reviews#v1']))

    // The config the control plane serves is in the graph: every demo service, reviews' three versions.
    const nodeIds = live.nodes.map((n) => n.id)
    for (const host of ['frontend', 'details', 'reviews', 'ratings']) expect(nodeIds).toContain(`svc:${host}.demo.svc.cluster.local`)
    for (const v of ['v1', 'v2', 'v3']) expect(nodeIds).toContain(`ver:demo/reviews/${v}`)
    expect(nodeIds).toContain('ver:demo/loadgen/v1')
    // The seeded 80/10/10 split sits on the route edges, next to what was observed.
    expect(edge(live, `route:${reviews}->ver:demo/reviews/v1`)).toMatchObject({ configuredWeight: 80 })
    // The load generator's calls reach frontend (its own edge, from the load reports too).
    await until('loadgen → frontend traffic', async () => (edge(await graph(), 'req:ver:demo/loadgen/v1->svc:frontend.demo.svc.cluster.local')?.stats.rps ?? 0) > 0, 30_000)
  }, 120_000)

  it('leaves no workload process behind when disposed', async () => {
    expect(pids.some(isAlive)).toBe(true)
    await meshdeck?.dispose()
    meshdeck = undefined
    expect(pids.filter(isAlive)).toEqual([])
  }, 30_000)
})
