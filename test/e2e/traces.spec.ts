import { readFileSync } from 'node:fs'
import { expect, screenshotDir, test } from './fixtures'
import { callApi, type ServeProcess } from '../support/serve-process'
import { bigTrace, meshCall, newTraceId, postSpans, skewedCall, type FixtureSpan } from '../support/trace-fixtures'
import type { Page } from '@playwright/test'

/**
 * The Traces page in real Chromium against a real `meshdeck serve`, fed through its real
 * collector (OTLP/HTTP JSON, as an SDK sends it). One serve for the file; each test posts the
 * traces it looks at, with ids of its own.
 */
test.describe.configure({ mode: 'serial' })

let otlpUrl = ''
const ids = { checkout: '', plain: [] as string[], skewed: '', big: '', extra: '' }

async function health(serve: ServeProcess): Promise<{ collector: { otlpUrl: string } }> {
  return ((await callApi(serve, 'traces.health')).body as { result: { collector: { otlpUrl: string } } }).result
}

function watchProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  return problems
}

test.beforeAll(async ({ serve }) => {
  otlpUrl = (await health(serve)).collector.otlpUrl
  const now = Date.now()
  for (let i = 0; i < 12; i++) {
    const id = newTraceId()
    ids.plain.push(id)
    await postSpans(otlpUrl, id, meshCall(now - 120_000 + i * 5_000, { version: i % 2 ? 'v2' : 'v1', extraMs: i === 5 ? 300 : 0 }))
  }
  ids.checkout = newTraceId()
  await postSpans(otlpUrl, ids.checkout, meshCall(now - 30_000, { version: 'v3', error: true, attributes: { 'http.route': '/checkout', 'user.tier': 'gold' } }))
  ids.skewed = newTraceId()
  await postSpans(otlpUrl, ids.skewed, skewedCall(now - 20_000, 400))
  // B differs from a plain call: one more details call, and a slower reviews.
  ids.extra = newTraceId()
  const extra = meshCall(now - 10_000, { version: 'v1', extraMs: 120 })
  const again: FixtureSpan = { ...extra[1]!, spanId: newTraceId().slice(0, 16), startMs: extra[1]!.startMs + 9 }
  await postSpans(otlpUrl, ids.extra, [...extra, again])
})

test('search by attribute, with the search in the URL surviving a reload', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces`)
  await page.getByLabel('Attributes').fill('span.http.route=/checkout resource.service.name=frontend')
  await page.getByRole('button', { name: 'Find traces' }).click()
  const rows = page.getByTestId('trace-results').locator('tbody tr')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toHaveAttribute('data-trace-id', ids.checkout)
  await expect(rows.first()).toContainText('(2 failed)')
  expect(new URL(page.url().replace('#/', '')).searchParams.get('attrs')).toBe('span.http.route=/checkout resource.service.name=frontend')
  await page.screenshot({ path: `${screenshotDir}/traces-search-attribute.png` })
  await page.reload()
  await expect(page.getByLabel('Attributes')).toHaveValue('span.http.route=/checkout resource.service.name=frontend')
  await expect(rows).toHaveCount(1)
  // A value that no span has finds nothing, and says how to widen.
  await page.getByLabel('Attributes').fill('user.tier=platinum')
  await page.getByRole('button', { name: 'Find traces' }).click()
  await expect(page.getByText('No traces match')).toBeVisible()
  // Bad syntax is named, with an example of the right one.
  await page.getByLabel('Attributes').fill('user.tier')
  await page.getByRole('button', { name: 'Find traces' }).click()
  await expect(page.getByRole('alert')).toContainText('"user.tier" is not key=value')
  expect(problems).toEqual([])
})

test('open a trace from the scatter plot; the open trace is a link too', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?service=reviews`)
  const scatter = page.getByTestId('trace-scatter')
  await expect(scatter).toHaveAttribute('data-points', /checkout|[0-9a-f]{32}/)
  const points = JSON.parse((await scatter.getAttribute('data-points')) ?? '[]') as { traceId: string; x: number; y: number }[]
  const slow = points.find((p) => p.traceId === ids.plain[5])!
  expect(slow, 'the slow trace has a dot').toBeDefined()
  await page.screenshot({ path: `${screenshotDir}/traces-scatter.png` })
  await scatter.click({ position: { x: slow.x, y: slow.y } })
  await expect(page.getByTestId('trace-detail')).toBeVisible()
  await expect(page.getByTestId('trace-detail')).toContainText(ids.plain[5]!)
  expect(page.url()).toContain(`trace=${ids.plain[5]}`)
  await page.reload()
  await expect(page.getByTestId('trace-detail')).toContainText(ids.plain[5]!)
  expect(problems).toEqual([])
})

test('collapse a subtree, see the critical path, find in the trace', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?trace=${ids.extra}`)
  const waterfall = page.getByTestId('waterfall')
  await expect(waterfall.getByRole('treeitem')).toHaveCount(8)
  // The critical path runs through the reviews call (the longest), not through details.
  const critical = waterfall.locator('[data-testid=critical-segment]')
  await expect(critical.first()).toBeVisible()
  const onPath = await waterfall.getByRole('treeitem').evaluateAll((rows) => rows.filter((r) => r.querySelector('[data-testid=critical-segment]')).map((r) => r.textContent ?? ''))
  expect(onPath.some((t) => t.includes('Reviews/GetReviews'))).toBe(true)
  expect(onPath.some((t) => t.includes('Ratings/GetRatings'))).toBe(true)
  expect(onPath.some((t) => t.includes('Details/GetDetails'))).toBe(false)
  await page.screenshot({ path: `${screenshotDir}/traces-critical-path.png` })
  await page.getByTestId('critical-toggle').uncheck()
  await expect(critical).toHaveCount(0)
  await page.getByTestId('critical-toggle').check()

  // Collapse the reviews client span: its server span and the ratings call beneath go.
  await page.getByRole('button', { name: /Collapse frontend v1 meshdeck\.demo\.v1\.Reviews\/GetReviews/ }).click()
  await expect(waterfall.getByRole('treeitem')).toHaveCount(5)
  await expect(waterfall.getByRole('treeitem', { name: /ratings/ })).toHaveCount(0)
  await page.screenshot({ path: `${screenshotDir}/traces-collapsed.png` })
  // Finding a span inside the collapsed subtree opens it again.
  await page.getByLabel('Find in trace').fill('Ratings/GetRatings')
  await expect(page.getByTestId('find-count')).toHaveText('1 / 2')
  await expect(waterfall.getByRole('treeitem')).toHaveCount(8)
  expect(problems).toEqual([])
})

test('a span from a clock running ahead: marked, adjusted, and raw times a click away', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?trace=${ids.skewed}`)
  await expect(page.getByTestId('skew-banner')).toContainText('1 span on another host')
  await expect(page.getByTestId('skew-banner')).toContainText('Showing adjusted times')
  const markers = page.getByTestId('skew-marker')
  await expect(markers).toHaveCount(2)
  await expect(markers.first()).toHaveText('⇤ −400 ms')
  await expect(markers.first()).toHaveAttribute('title', /node-b.*started|ended/)
  const bars = page.getByTestId('waterfall').locator('.bar')
  const box = async (i: number): Promise<{ x: number; right: number }> => {
    const b = (await bars.nth(i).boundingBox())!
    return { x: b.x, right: b.x + b.width }
  }
  // Adjusted: the server span sits inside its client.
  let [client, server] = [await box(0), await box(1)]
  expect(server.x).toBeGreaterThanOrEqual(client.x)
  expect(server.right).toBeLessThanOrEqual(client.right + 1)
  await page.screenshot({ path: `${screenshotDir}/traces-skew-adjusted.png` })
  await page.getByTestId('skew-toggle').click()
  await expect(page.getByTestId('skew-banner')).toContainText('Showing raw times')
  ;[client, server] = [await box(0), await box(1)]
  expect(server.x).toBeGreaterThan(client.right)
  await expect(markers).toHaveCount(2) // still marked in raw mode: never hidden
  await page.screenshot({ path: `${screenshotDir}/traces-skew-raw.png` })
  expect(problems).toEqual([])
})

test('compare two traces ticked in the results: structure and duration', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?service=details&limit=50`)
  await page.getByLabel(`Pick ${ids.plain[0]} to compare`).check()
  await page.getByLabel(`Pick ${ids.extra} to compare`).check()
  await page.getByRole('button', { name: 'Compare the 2 ticked' }).click()
  const compare = page.getByTestId('trace-compare')
  await expect(compare).toBeVisible()
  await expect(compare.locator('tr[data-change="count"]')).toContainText('Details/GetDetails')
  await expect(compare.locator('tr[data-change="slower"]').first()).toBeVisible()
  await page.screenshot({ path: `${screenshotDir}/traces-compare.png` })
  expect(problems).toEqual([])
})

test('a 10,000-span trace: interactive fast, the minimap scrolls it, export and import give it back', async ({ page, serve }) => {
  test.setTimeout(120_000)
  const problems = watchProblems(page)
  ids.big = newTraceId()
  await postSpans(otlpUrl, ids.big, bigTrace(Date.now() - 15_000, 10_000))
  const started = Date.now()
  await page.goto(`${serve.url}#/traces?trace=${ids.big}`)
  const waterfall = page.getByTestId('waterfall')
  await expect(waterfall.getByRole('treeitem').first()).toBeVisible()
  expect(Date.now() - started).toBeLessThan(5_000)
  // Virtualised: a screenful of rows exists, not ten thousand.
  expect(await waterfall.getByRole('treeitem').count()).toBeLessThan(120)
  const minimap = page.getByTestId('trace-minimap')
  const mbox = (await minimap.boundingBox())!
  await minimap.click({ position: { x: mbox.width / 2, y: mbox.height * 0.9 } })
  await expect.poll(() => waterfall.evaluate((el) => el.scrollTop)).toBeGreaterThan(100_000)
  await page.screenshot({ path: `${screenshotDir}/traces-big-minimap.png` })

  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export OTLP JSON' }).click()
  const file = await (await download).path()
  const text = readFileSync(file!, 'utf8')
  expect(JSON.parse(text).resourceSpans.flatMap((r: { scopeSpans: { spans: unknown[] }[] }) => r.scopeSpans.flatMap((s) => s.spans))).toHaveLength(10_000)
  // Import it as another trace (new id): dropped files go through the same path as the button.
  const copyId = newTraceId()
  await page.goto(`${serve.url}#/traces`)
  await page.getByLabel('Import an OTLP/JSON trace file').setInputFiles({ name: 'copy.otlp.json', mimeType: 'application/json', buffer: Buffer.from(text.replaceAll(ids.big, copyId)) })
  await expect(page.getByRole('status')).toContainText('Imported 10000 spans in 1 trace from copy.otlp.json')
  await expect(page.getByTestId('trace-detail')).toContainText(copyId)
  expect(problems).toEqual([])
})

test('live tail: new traces appear by themselves, and pause holds them', async ({ page, serve }) => {
  const problems = watchProblems(page)
  await page.goto(`${serve.url}#/traces?service=frontend&limit=500`)
  const rows = page.getByTestId('trace-results').locator('tbody tr')
  await expect(rows.first()).toBeVisible()
  const fresh = newTraceId()
  await postSpans(otlpUrl, fresh, meshCall(Date.now()))
  await expect(page.locator(`tr[data-trace-id="${fresh}"]`)).toBeVisible({ timeout: 5_000 })
  await page.getByTestId('live-toggle').click()
  await expect(page.getByTestId('live-toggle')).toHaveText('Paused')
  const held = newTraceId()
  await postSpans(otlpUrl, held, meshCall(Date.now()))
  await expect(page.getByTestId('live-toggle')).toHaveText(/Paused · \d+ new/, { timeout: 5_000 })
  await expect(page.locator(`tr[data-trace-id="${held}"]`)).toHaveCount(0)
  await page.getByTestId('live-toggle').click()
  await expect(page.locator(`tr[data-trace-id="${held}"]`)).toBeVisible()
  await page.goto(`${serve.url}#/traces?view=health`)
  await expect(page.getByTestId('ingest-health')).toContainText('otlp-json')
  await page.screenshot({ path: `${screenshotDir}/traces-ingest-health.png` })
  expect(problems).toEqual([])
})
