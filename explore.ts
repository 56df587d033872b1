import { chromium } from '@playwright/test'
import { startServe, callApi } from './test/support/serve-process'
import { writeTempKubeconfig } from './test/support/kubeconfig-fixture'
import { bigTrace, meshCall, newTraceId, postSpans, skewedCall } from './test/support/trace-fixtures'
import { chromiumArgs, chromiumPath } from './playwright.config'

async function main(): Promise<void> {
const kube = writeTempKubeconfig()
const serve = await startServe(['--kubeconfig', kube.path])
try {
  const info = ((await callApi(serve, 'traces.health')).body as { result: { collector: { otlpUrl: string } } }).result
  const url = info.collector.otlpUrl
  const now = Date.now()
  for (let i = 0; i < 40; i++) await postSpans(url, newTraceId(), meshCall(now - 60_000 + i * 1500, { version: ['v1', 'v2', 'v3'][i % 3], error: i % 9 === 0, extraMs: i % 7 === 0 ? 200 : 0 }))
  const skewId = newTraceId()
  await postSpans(url, skewId, skewedCall(now - 5000, 400))
  const bigId = newTraceId()
  await postSpans(url, bigId, bigTrace(now - 20_000, 10_000))
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } })
  page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()) })
  page.on('pageerror', (e) => console.log('page error:', e.message))
  await page.goto(`${serve.url}#/traces`)
  await page.waitForTimeout(2000)
  await page.screenshot({ path: '/tmp/shots/1-search.png' })
  await page.goto(`${serve.url}#/traces?trace=${skewId}`)
  await page.waitForTimeout(1500)
  await page.screenshot({ path: '/tmp/shots/2-skew.png' })
  await page.locator('[data-testid=waterfall] .row').nth(1).click()
  await page.waitForTimeout(1000)
  await page.screenshot({ path: '/tmp/shots/3-span.png' })
  const t0 = Date.now()
  await page.goto(`${serve.url}#/traces?trace=${bigId}`)
  await page.locator('[data-testid=waterfall] .row').first().waitFor()
  console.log('big trace interactive in', Date.now() - t0, 'ms')
  await page.screenshot({ path: '/tmp/shots/4-big.png' })
  await page.goto(`${serve.url}#/traces?view=dependencies`)
  await page.waitForTimeout(2000)
  await page.screenshot({ path: '/tmp/shots/5-deps.png' })
  await page.goto(`${serve.url}#/traces?view=subsets&svc=reviews&win=15m`)
  await page.waitForTimeout(2000)
  await page.screenshot({ path: '/tmp/shots/6-subsets.png' })
  const ids = ((await callApi(serve, 'traces.search', { service: 'reviews', limit: 2 })).body as { result: { traces: { traceId: string }[] } }).result.traces.map((t) => t.traceId)
  await page.goto(`${serve.url}#/traces?view=compare&a=${ids[0]}&b=${skewId}`)
  await page.waitForTimeout(1500)
  await page.screenshot({ path: '/tmp/shots/7-compare.png' })
  await page.goto(`${serve.url}#/traces?view=health`)
  await page.waitForTimeout(1500)
  await page.screenshot({ path: '/tmp/shots/8-health.png' })
  await page.goto(`${serve.url}#/traces?trace=${skewId}`)
  await page.waitForTimeout(1500)
  await page.screenshot({ path: '/tmp/shots/2-skew.png' })
  await browser.close()
} finally {
  await serve.stop()
  kube.cleanup()
}

}
void main()
