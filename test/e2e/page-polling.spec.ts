import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/**
 * Pages follow main's events and poll only what has no event, and only while someone can see
 * them: a hidden window (a minimised app, a background tab) and a page left behind make no calls.
 * Counted on the real `meshdeck serve` from the API requests Chromium sends.
 */

function countCalls(page: Page): (method: string) => number {
  const calls = new Map<string, number>()
  page.on('request', (request) => {
    const match = /\/api\/([\w.]+)$/.exec(new URL(request.url()).pathname)
    if (request.method() === 'POST' && match?.[1]) calls.set(match[1], (calls.get(match[1]) ?? 0) + 1)
  })
  return (method) => calls.get(method) ?? 0
}

/** What the browser does when the window is minimised or the tab goes to the background (and back). */
async function setVisibility(page: Page, state: 'hidden' | 'visible'): Promise<void> {
  await page.evaluate((next) => {
    // Runs in the page; the test's own tsconfig has no DOM types.
    const doc = (globalThis as unknown as { document: EventTarget & { visibilityState: string } }).document
    Object.defineProperty(doc, 'visibilityState', { value: next, configurable: true })
    doc.dispatchEvent(new Event('visibilitychange'))
  }, state)
}

test('the Security page polls only the mTLS status, stops while hidden, catches up when shown, and stops when left', async ({ page, serve }) => {
  const calls = countCalls(page)
  await page.goto(`${serve.url}#/security`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Security')
  await expect.poll(() => calls('security.mtlsStatus')).toBe(1)

  // Observed edges come from load reports, which have no event: polled every 5 s.
  await expect.poll(() => calls('security.mtlsStatus'), { timeout: 15_000 }).toBeGreaterThanOrEqual(3)
  // Certificates and conflicts have events (certificateRenewed, controlPlane.changed): read once, not polled.
  expect(calls('security.certificates')).toBe(1)
  expect(calls('security.conflicts')).toBe(1)

  await setVisibility(page, 'hidden')
  const whileHidden = calls('security.mtlsStatus')
  await page.waitForTimeout(11_000)
  expect(calls('security.mtlsStatus')).toBe(whileHidden)

  await setVisibility(page, 'visible')
  await expect.poll(() => calls('security.mtlsStatus'), { timeout: 2_000 }).toBe(whileHidden + 1)

  await page.locator('nav a[data-page="clusters"]').click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Clusters')
  const afterLeaving = calls('security.mtlsStatus')
  await page.waitForTimeout(11_000)
  expect(calls('security.mtlsStatus')).toBe(afterLeaving)
})

test('the Control plane page reads its status on events, not on a timer', async ({ page, serve }) => {
  const calls = countCalls(page)
  await page.goto(`${serve.url}#/control-plane`)
  await expect(page.getByTestId('cp-state')).toHaveText('stopped')
  await page.waitForTimeout(6_000)
  // This serve runs no control plane, so no event comes and nothing has anything new to say.
  expect(calls('controlPlane.status')).toBe(1)
  expect(calls('controlPlane.loadStats')).toBe(0)
})
