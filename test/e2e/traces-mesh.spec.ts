import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { screenshotDir } from './fixtures'

/**
 * What only Meshdeck can show, on `meshdeck serve --demo`: real workloads sending real spans
 * through the embedded control plane. A span leads to the config that routed it (the xDS version
 * its client had ACKed, the VirtualService route, the DestinationRule subset, the rollout step and
 * weights) and to its workload's logs; Topology leads to traces; versions are compared by rollout step.
 */
test.describe.configure({ mode: 'serial' })

let home: string
let serve: ServeProcess

interface Span {
  spanId: string
  parentSpanId: string | null
  kind: string
  service: string
  serviceVersion: string | null
  error: boolean
  traceId: string
}

async function result<T>(method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

/** The newest reviews server span of a version (failed or not) with its client span in the same trace. */
async function reviewsServerSpan(version: string, failed: boolean): Promise<Span | null> {
  const search = await result<{ traces: { traceId: string }[] }>('traces.search', {
    service: 'reviews',
    attributes: [{ key: 'service.version', value: version, scope: 'resource' }],
    errorsOnly: failed || undefined,
    sinceMs: Date.now() - 60_000,
    limit: 5,
  })
  for (const { traceId } of search.traces) {
    const { spans } = await result<{ spans: Span[] }>('traces.get', { traceId })
    const server = spans.find((s) => s.service === 'reviews' && s.kind === 'server' && s.serviceVersion === version && s.error === failed)
    if (server && spans.some((s) => s.spanId === server.parentSpanId && s.kind === 'client')) return server
  }
  return null
}

function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  return problems
}

test.beforeAll(async () => {
  test.setTimeout(150_000)
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-traces-mesh-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
  await expect
    .poll(async () => {
      const status = await result<{ running: boolean; workloads: { state: string }[] }>('demo.status')
      return status.running && status.workloads.length === 7 && status.workloads.every((w) => w.state === 'running')
    }, { timeout: 120_000, intervals: [1000] })
    .toBe(true)
})

test.afterAll(async () => {
  await serve?.stop()
  if (home) rmSync(home, { recursive: true, force: true })
})

test('from Topology, the reviews service opens its traces', async ({ page }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/topology`)
  const graph = page.getByTestId('topology-graph')
  await expect(graph).toBeVisible()
  const reviews = 'svc:reviews.demo.svc.cluster.local'
  await expect
    .poll(() => graph.evaluate((el, id) => Boolean((el as unknown as { _cyreg: { cy: { getElementById(id: string): { length: number } } } })._cyreg.cy.getElementById(id).length), reviews), { timeout: 30_000 })
    .toBe(true)
  const at = await graph.evaluate((el, id) => {
    const node = (el as unknown as { _cyreg: { cy: { getElementById(id: string): { renderedPosition(): { x: number; y: number } } } } })._cyreg.cy.getElementById(id)
    return node.renderedPosition()
  }, reviews)
  await graph.click({ position: at })
  await page.getByTestId('panel-traces').click()
  await expect(page).toHaveURL(/#\/traces\?service=reviews/)
  await expect(page.getByTestId('trace-results').locator('tbody tr').first()).toBeVisible({ timeout: 15_000 })
  await expect(page.getByTestId('trace-results').locator('tbody tr').first()).toContainText('reviews')
  await page.screenshot({ path: `${screenshotDir}/traces-from-topology.png` })
  expect(problems).toEqual([])
})

test('a span shows the xDS version its client had ACKed, the route, the subset, and the rollout step and weights', async ({ page }) => {
  test.setTimeout(150_000)
  const problems = watchProblems(page)
  // A rollout of reviews to v2 that stays at its first step (50%) while we look.
  const { targets } = await result<{ targets: { ref: unknown; host: string }[] }>('canary.targets')
  const target = targets.find((t) => t.host.startsWith('reviews'))!
  const rollout = await result<{ spec: { id: string } }>('rollout.start', {
    target: target.ref,
    stable: 'v1',
    canary: 'v2',
    plan: { steps: [50, 100], intervalSeconds: 600, analysis: { maxErrorRate: 0.5, maxP99Ms: 5_000, minRequests: 1 } },
  })
  try {
    // The step is applied and ACKed, then spans made after it carry its weights.
    await expect.poll(async () => (await result<{ rollouts: { spec: { id: string }; timeline: { what: string }[] }[] }>('rollout.list')).rollouts.find((r) => r.spec.id === rollout.spec.id)?.timeline.some((e) => e.what === 'acked'), { timeout: 60_000 }).toBe(true)
    const stepAt = Date.now()
    let span: Span | null = null
    await expect
      .poll(async () => {
        span = await reviewsServerSpan('v2', false)
        return span !== null && (await result<{ spans: { spanId: string; startMs: number }[] }>('traces.get', { traceId: span.traceId })).spans.every((s) => s.startMs > stepAt)
      }, { timeout: 30_000 })
      .toBe(true)
    const found = span as unknown as Span
    await page.goto(`${serve.url}#/traces?trace=${found.traceId}&span=${found.spanId}`)
    const mesh = page.getByTestId('span-mesh')
    await expect(mesh.getByTestId('mesh-xds-version')).toHaveText(/version \d+/)
    await expect(mesh.getByTestId('mesh-route')).toContainText('VirtualService demo/reviews, route 1 “reviews-canary”')
    await expect(mesh.getByTestId('mesh-subset')).toContainText('v2')
    await expect(mesh.getByTestId('mesh-subset')).toContainText('version=v2 in DestinationRule demo/reviews')
    await expect(mesh).toContainText('v1 50% · v2 50% · v3 0%')
    await expect(mesh.getByTestId('mesh-rollout')).toContainText(`${rollout.spec.id}: step 1 of 2, 50% to v2`)
    // The ACKed version is the one served: the control plane's status agrees.
    const status = await result<{ servedVersion: number }>('controlPlane.status')
    await expect(mesh.getByTestId('mesh-xds-version')).toContainText(`version ${status.servedVersion}`)
    // The trace says which config push and rollout step it ran under.
    await expect(page.getByTestId('trace-config')).toContainText(/config version \d+ applied .* before/)
    await expect(page.getByTestId('trace-config')).toContainText('reviews.demo.svc.cluster.local: step 1 → 50% v2')
    await page.screenshot({ path: `${screenshotDir}/traces-span-mesh-config.png` })

    // The canary against stable, by version and by rollout step.
    await page.goto(`${serve.url}#/traces?view=subsets&svc=reviews&win=15m`)
    const subsets = page.getByTestId('subset-compare')
    for (const version of ['v1', 'v2']) await expect(subsets.locator(`tr[data-subset="${version}"]`)).toBeVisible({ timeout: 15_000 })
    await expect(subsets).toContainText(`${rollout.spec.id}: step 1 (50% v2)`)
    await expect(subsets.locator('canvas')).toBeVisible()
    await page.screenshot({ path: `${screenshotDir}/traces-canary-vs-stable.png` })
  } finally {
    await result('rollout.control', { id: rollout.spec.id, action: 'abort' })
  }
  expect(problems).toEqual([])
})

test("a failed span leads to its workload's log lines around it", async ({ page }) => {
  test.setTimeout(90_000)
  const problems = watchProblems(page)
  // After the rollout's abort, stable v1 takes all traffic.
  await result('demo.setFault', { workload: 'reviews-v1', errorRate: 1, latencyMs: 0, errorCode: 'UNAVAILABLE' })
  try {
    let span: Span | null = null
    await expect.poll(async () => (span = await reviewsServerSpan('v1', true)) !== null, { timeout: 30_000 }).toBe(true)
    const found = span as unknown as Span
    await page.goto(`${serve.url}#/traces?trace=${found.traceId}&span=${found.spanId}`)
    await expect(page.getByTestId('span-detail')).toContainText('fault injected by reviews-v1')
    await page.getByTestId('show-logs').click()
    const logs = page.getByTestId('span-logs')
    await expect(logs).toContainText(`trace=${found.traceId}`)
    await expect(logs.locator('.hit').first()).toContainText('injected fault')
    await expect(page.getByTestId('span-detail')).toContainText('demo workload reviews-v1')
    await page.screenshot({ path: `${screenshotDir}/traces-span-logs.png` })
  } finally {
    await result('demo.setFault', { workload: 'reviews-v1', errorRate: 0, latencyMs: 0 })
  }
  expect(problems).toEqual([])
})

test('the dependency graph from spans shows the demo call graph', async ({ page }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?view=dependencies`)
  const graph = page.getByTestId('dependency-graph')
  await expect
    .poll(() => graph.evaluate((el) => ((el as unknown as { _cyreg?: { cy: { edges(): { map<T>(f: (e: { id(): string }) => T): T[] } } } })._cyreg?.cy.edges().map((e) => e.id()) ?? []).sort()), { timeout: 15_000 })
    .toEqual(expect.arrayContaining(['e:frontend>details', 'e:frontend>reviews', 'e:reviews>ratings', 'e:loadgen>frontend']))
  await page.screenshot({ path: `${screenshotDir}/traces-dependencies.png` })
  expect(problems).toEqual([])
})
