import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { screenshotDir } from './fixtures'

interface Graph {
  nodes: { id: string; kind: string; label: string; version: string | null }[]
  edges: { kind: string; source: string; target: string; configuredWeight: number | null; observedShare: number | null }[]
}
interface DemoStatus {
  workloads: { state: string }[]
  load: { ok: number; failed: number } | null
}

// One real demo mesh for this file: seven proxyless gRPC workloads on the embedded control plane.
const test = base.extend<object, { demo: ServeProcess }>({
  demo: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-canary-'))
      const serve = await startServe(['--demo', '--xds-port', '0'], { MESHDECK_HOME: home })
      await use(serve)
      await serve.stop()
      rmSync(home, { recursive: true, force: true })
    },
    { scope: 'worker', timeout: 60_000 },
  ],
})

async function result<T>(serve: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

/** The observed share of each reviews subset, from the route edges of the live topology. */
async function reviewsShares(serve: ServeProcess): Promise<Record<string, number | null>> {
  const graph = await result<Graph>(serve, 'topology.get')
  const service = graph.nodes.find((n) => n.kind === 'service' && n.label.startsWith('reviews'))
  const shares: Record<string, number | null> = {}
  for (const edge of graph.edges.filter((e) => e.kind === 'route' && e.source === service?.id)) {
    const version = graph.nodes.find((n) => n.id === edge.target)?.version
    if (version) shares[version] = edge.observedShare
  }
  return shares
}

test('drag a slider, apply, and the observed split on the topology converges to the new weights', async ({ page, demo }) => {
  test.setTimeout(300_000)
  await expect
    .poll(async () => (await result<DemoStatus>(demo, 'demo.status')).workloads.every((w) => w.state === 'running'), { timeout: 150_000, intervals: [1000] })
    .toBe(true)
  await result(demo, 'demo.setLoad', { rps: 60 })

  await page.goto(`${demo.url}#/canary`)
  const v3 = page.getByRole('slider', { name: 'Weight of v3' })
  await expect(v3).toBeVisible({ timeout: 30_000 })
  // Lock v2 so moving v3 takes from v1 only: v1 80 / v2 10 / v3 10 → v1 40 / v2 10 / v3 50.
  await page.locator('[data-subset="v2"] button.lock').click()
  const box = (await v3.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 12 })
  await page.mouse.up()
  const v3Number = page.getByRole('spinbutton', { name: 'Weight of v3 in percent' })
  const dragged = Number(await v3Number.inputValue())
  expect(dragged).toBeGreaterThan(35)
  expect(dragged).toBeLessThan(65)
  await expect(page.getByTestId('weight-sum')).toHaveText('Sum 100%')
  const v1Weight = Number(await page.getByRole('spinbutton', { name: 'Weight of v1 in percent' }).inputValue())
  expect(v1Weight + 10 + dragged).toBe(100)
  await expect(page.getByLabel('YAML diff')).toContainText(`weight: ${dragged}`)
  await page.screenshot({ path: `${screenshotDir}/canary-weights.png`, fullPage: true })
  await page.getByRole('button', { name: 'Apply' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Applied' })).toBeVisible()

  // 2,000 requests after the change, then the observed split must be within ±5 points.
  const start = (await result<DemoStatus>(demo, 'demo.status')).load!
  await expect
    .poll(async () => {
      const load = (await result<DemoStatus>(demo, 'demo.status')).load!
      return load.ok + load.failed - (start.ok + start.failed)
    }, { timeout: 180_000, intervals: [2000] })
    .toBeGreaterThanOrEqual(2000)
  const shares = await reviewsShares(demo)
  expect(Math.abs((shares.v3 ?? -100) - dragged)).toBeLessThanOrEqual(5)
  expect(Math.abs((shares.v1 ?? -100) - v1Weight)).toBeLessThanOrEqual(5)
  expect(Math.abs((shares.v2 ?? -100) - 10)).toBeLessThanOrEqual(5)

  await page.goto(`${demo.url}#/topology`)
  await page.waitForTimeout(3000)
  await page.screenshot({ path: `${screenshotDir}/canary-topology-split.png` })
})
