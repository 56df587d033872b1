import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from './fixtures'
import { callApi } from '../support/serve-process'
import { forgedOtlpCalls } from '../support/forged-spans'

// A real `meshdeck serve` (its collector included) and a page on another origin in real Chromium,
// doing what any web page can do: POST to a loopback port without asking first.
let page$: Server
let pageOrigin: string

test.beforeAll(async () => {
  page$ = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end('<!doctype html><title>some web page</title><p>nothing to see</p>')
  })
  await new Promise<void>((resolve) => page$.listen(0, '127.0.0.1', resolve))
  // localhost vs the collector's 127.0.0.1 and another port: a different origin on every count.
  pageOrigin = `http://localhost:${(page$.address() as AddressInfo).port}`
})
test.afterAll(async () => {
  await new Promise<void>((resolve) => page$.close(() => resolve()))
})

interface Search {
  traces: { traceId: string }[]
  spanCount: number
  collector: { otlpUrl: string }
}

test('a page on another origin cannot store spans in the collector', async ({ page, serve }) => {
  const search = async (): Promise<Search> => ((await callApi(serve, 'traces.search', { limit: 1000 })).body as { result: Search }).result
  const { collector, spanCount } = await search()
  const forged = forgedOtlpCalls(50, Date.now()) as { resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[] }
  const forgedIds = new Set(forged.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.traceId))
  await page.goto(pageOrigin)

  const outcomes = await page.evaluate(
    async ({ url, body }) => {
      const tryFetch = async (init: RequestInit): Promise<string> => {
        try {
          const response = await fetch(url, { method: 'POST', body, ...init })
          return `answered ${response.type} ${response.status}`
        } catch (err) {
          return `refused: ${(err as Error).message}`
        }
      }
      return {
        // A CORS "simple" request: sent without a preflight, its answer unreadable (opaque).
        textPlain: await tryFetch({ mode: 'no-cors', headers: { 'Content-Type': 'text/plain' } }),
        // no-cors drops a JSON Content-Type (not CORS-safelisted), so this is text/plain again.
        jsonNoCors: await tryFetch({ mode: 'no-cors', headers: { 'Content-Type': 'application/json' } }),
        form: await tryFetch({ mode: 'no-cors', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }),
        // Real JSON needs a preflight, which the collector never grants.
        jsonCors: await tryFetch({ mode: 'cors', headers: { 'Content-Type': 'application/json' } }),
      }
    },
    { url: collector.otlpUrl, body: JSON.stringify(forged) },
  )
  expect(outcomes.textPlain).toBe('answered opaque 0')
  expect(outcomes.jsonNoCors).toBe('answered opaque 0')
  expect(outcomes.form).toBe('answered opaque 0')
  expect(outcomes.jsonCors).toMatch(/^refused: /)

  const after = await search()
  expect(after.spanCount).toBe(spanCount)
  expect(after.traces.filter((t) => forgedIds.has(t.traceId))).toEqual([])

  // The same bytes from a local exporter (application/json, no Origin) are stored: the door is
  // narrow, not shut.
  const exporter = await fetch(collector.otlpUrl, { method: 'POST', body: JSON.stringify(forged), headers: { 'Content-Type': 'application/json' } })
  expect(exporter.status).toBe(200)
  expect((await search()).traces.filter((t) => forgedIds.has(t.traceId)).length).toBe(forgedIds.size)
})
