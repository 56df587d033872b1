import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { startTestPrometheus, type TestPrometheus } from '../support/prometheus'
import { screenshotDir } from './fixtures'

// The demo (`meshdeck serve --demo`) scraped by a real Prometheus (Debian's) through the file_sd
// file Meshdeck writes; a user switches the Topology page and a rollout to it in real Chromium.
// Which source gives each number is on the page, and bad input is named there.
interface World {
  serve: ServeProcess
  prometheus: TestPrometheus
  /** A web page that is not Prometheus. */
  notPrometheus: string
}

const test = base.extend<object, { world: World }>({
  world: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-prometheus-'))
      const serve = await startServe(['--demo', '--xds-port', '0'], { MESHDECK_HOME: home })
      try {
        await expect
          .poll(async () => (await result<{ workloads: { state: string }[] }>(serve, 'demo.status')).workloads.every((w) => w.state === 'running'), { timeout: 150_000, intervals: [1000] })
          .toBe(true)
      } catch (err) {
        // A demo that never came up must not outlive the test with its seven workloads.
        await serve.stop()
        throw err
      }
      // Started once the demo has written its targets file, so Prometheus watches a folder that exists.
      const prometheus = await startTestPrometheus({ fileSd: [join(home, 'prometheus', 'demo-targets.json')] })
      const html: Server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Grafana</body></html>'))
      await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve))
      const address = html.address()
      await use({ serve, prometheus, notPrometheus: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })
      await new Promise((resolve) => html.close(resolve))
      await prometheus.dispose()
      await serve.stop()
      rmSync(home, { recursive: true, force: true })
    },
    { scope: 'worker', timeout: 240_000 },
  ],
})

async function result<T>(serve: ServeProcess, method: string, params: unknown = {}): Promise<T> {
  const { body } = await callApi(serve, method, params)
  const outcome = body as { ok: boolean; result: T; error?: unknown }
  if (!outcome.ok) throw new Error(`${method}: ${JSON.stringify(outcome.error)}`)
  return outcome.result
}

test('the Topology page says which source feeds its numbers, refuses a URL that is not Prometheus, and switches to a real Prometheus', async ({ page, world }) => {
  test.setTimeout(240_000)
  await page.goto(`${world.serve.url}#/topology`)
  const source = page.getByTestId('topology-source')
  await expect(source).toHaveAttribute('data-source', 'mesh', { timeout: 30_000 })
  await expect(source).toContainText('Rates and errors from load reports, latency from spans')

  // A web page that is not Prometheus: named on the page, nothing changes.
  await page.getByLabel('Prometheus URL').fill(world.notPrometheus)
  await page.getByRole('button', { name: 'Use this Prometheus' }).click()
  const refused = page.locator('[role="alert"][data-code="not_prometheus"]')
  await expect(refused).toContainText('Not Prometheus')
  await expect(refused).toContainText('HTML page')
  await expect(source).toHaveAttribute('data-source', 'mesh')

  // The real one: the numbers now come from it, and the page says which, why, and how fast.
  await page.getByLabel('Prometheus URL').fill(world.prometheus.url)
  await page.getByRole('button', { name: 'Use this Prometheus' }).click()
  await expect(refused).toHaveCount(0)
  await expect(source).toHaveAttribute('data-source', 'prometheus')
  await expect(source).toContainText('Rates, errors and latency from Prometheus over the last 1 min')
  const detail = page.getByTestId('topology-source-detail')
  await expect(detail).toContainText(world.prometheus.url)
  await expect(detail).toContainText("the demo's Prometheus URL set on the Topology page")
  await expect(detail).toContainText(/Prometheus \d+\.\d+/)
  await expect(detail).toContainText(/last refresh .*: [1-9]\d* edges, queries took \d+ ms/, { timeout: 60_000 })

  await page.getByLabel('Rate window').selectOption('300')
  await expect(source).toContainText('over the last 5 min')
  await page.screenshot({ path: `${screenshotDir}/topology-prometheus-source.png` })

  // Back to the mesh: said as plainly.
  await page.getByLabel('Numbers from').selectOption('mesh')
  await expect(source).toHaveAttribute('data-source', 'mesh')
  await expect(source).toContainText('Rates and errors from load reports, latency from spans')
})

test('a rollout analysed from Prometheus names Prometheus beside each number, and pauses naming a query Prometheus refuses', async ({ page, world }) => {
  test.setTimeout(300_000)
  await result(world.serve, 'prometheus.setUrl', { url: world.prometheus.url })
  await page.goto(`${world.serve.url}#/canary`)
  const start = async (check: string): Promise<void> => {
    await page.getByLabel('Canary subset').selectOption('v3')
    await page.getByLabel('Steps').fill('50, 100')
    await page.getByLabel('Interval seconds').fill('5')
    await page.getByLabel('Minimum requests per step').fill('5')
    await page.getByLabel('Metrics from').selectOption('prometheus')
    await page.getByLabel('PromQL check').fill(check)
    await page.getByLabel('Check maximum').fill('1000000')
    // v2 carries 10 % in the demo's seed until a rollout ends (then nothing): the page asks before
    // the rollout sets it to 0.
    const displaced = page.getByTestId('displaced-confirm')
    if ((await displaced.count()) > 0) await displaced.getByRole('checkbox').check()
    await page.getByRole('button', { name: 'Start rollout' }).click()
  }
  const phase = page.getByTestId('rollout-phase')

  // A malformed check: the rollout pauses on it, naming Prometheus's own parse error; it never advances.
  await start('sum(rate(istio_requests_total[{{ interval }}]')
  await expect(phase).toHaveAttribute('data-phase', 'paused', { timeout: 90_000 })
  await expect(page.getByTestId('rollout-paused-reason')).toContainText('Prometheus refused the query')
  await expect(page.getByTestId('rollout-paused-reason')).toContainText('parse error')
  await expect(page.locator('.timeline li.passed')).toHaveCount(0)
  await page.getByRole('button', { name: 'Abort' }).click()
  await expect(phase).toHaveText('Aborted')

  // A sound check on a canary failing 30 %: rolled back on Prometheus's numbers, each labelled so.
  await result(world.serve, 'demo.setFault', { workload: 'reviews-v3', errorRate: 0.3, latencyMs: 0 })
  await start('sum(rate(istio_requests_total{reporter="destination",destination_version="{{ target }}"}[{{ interval }}]))')
  await expect(phase).toHaveText('Rolled back', { timeout: 120_000 })
  await expect(page.getByTestId('rollout-failure')).toHaveText(/^Rolled back: Error rate \d+\.\d% is above the 5\.0% limit\.$/)
  const judged = page.getByTestId('rollout-metrics').first()
  await expect(judged).toContainText('req (Prometheus)')
  await expect(judged).toContainText('errors (Prometheus)')
  await expect(judged).toContainText(/check = [\d.e+-]+ \(Prometheus\)/)
  await page.screenshot({ path: `${screenshotDir}/canary-prometheus.png`, fullPage: true })
  await result(world.serve, 'demo.setFault', { workload: 'reviews-v3', errorRate: 0, latencyMs: 0 })
})
