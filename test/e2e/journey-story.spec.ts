import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startServe, type ServeProcess } from '../support/serve-process'

/**
 * The demo's story as a newcomer tells it, with the mouse and keyboard only — no API call from the
 * test: the first-run banner → break reviews v3 from its side panel → the topology shows v3 failing →
 * roll v3 out with the plan the page suggests → it rolls back naming the error rate → the history
 * shows it. A real `meshdeck serve --demo` (seven real workload processes), real Chromium at 1280×720.
 */
test.use({ viewport: { width: 1280, height: 720 } })
test.describe.configure({ mode: 'serial' })

let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-story-'))
  // An empty kubeconfig: the story must not depend on whatever cluster the machine knows.
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  await serve?.stop()
  rmSync(home, { recursive: true, force: true })
})

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: test.info().outputPath(`${name}.png`) })

/** A figure of the side panel, e.g. its "Errors" row, as a number. */
async function panelFigure(page: Page, name: string): Promise<number> {
  const text = (await page.getByTestId('topology-panel').locator('dt', { hasText: new RegExp(`^${name}$`) }).locator('xpath=following-sibling::dd[1]').textContent()) ?? ''
  return Number.parseFloat(text)
}

test('the demo story from the UI alone: break reviews v3, see it, roll it out, watch it roll back on its error rate', async ({ page }) => {
  test.setTimeout(360_000)

  // 1. First run: the banner says what this is and offers the story.
  await page.goto(serve.url)
  const banner = page.getByTestId('first-run')
  await expect(banner).toBeVisible({ timeout: 30_000 })
  await expect(banner).toContainText('This is a local demo mesh')
  await shot(page, '01-first-run-banner')

  // 2. "Break reviews v3" opens reviews v3's side panel on the topology, with the demo's knobs.
  await banner.getByRole('link', { name: 'Break reviews v3' }).click()
  const panel = page.getByTestId('topology-panel')
  await expect(panel.getByRole('heading', { name: 'reviews v3' })).toBeVisible({ timeout: 60_000 })
  const controls = panel.getByTestId('demo-controls')
  // Seven processes load grpc-js on a shared machine: wait until v3 serves and takes traffic.
  await expect(controls).toContainText(/^Demo workload reviews-v3\s*running/, { timeout: 150_000 })
  await expect.poll(() => panelFigure(page, 'Requests'), { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(0)
  await controls.getByLabel('Error rate percent').fill('30')
  await controls.getByRole('button', { name: 'Apply fault' }).click()
  await expect(controls.getByTestId('demo-message')).toHaveText('reviews-v3 now fails 30 % of its calls with UNAVAILABLE.')
  // More traffic, so a rollout step has enough requests to judge within half a minute or so.
  await controls.getByLabel('Load generator rate').fill('20')
  await controls.getByRole('button', { name: 'Set rate' }).click()
  await expect(controls.getByTestId('demo-message')).toHaveText('The load generator sends 20 requests per second to frontend.')

  // 3. The topology shows it: v3's errors climb, its health leaves "healthy".
  await expect.poll(() => panelFigure(page, 'Errors'), { timeout: 60_000, intervals: [1000] }).toBeGreaterThan(5)
  await expect(panel.locator('.tag').first()).toHaveText(/degraded|failing/, { timeout: 30_000 })
  await shot(page, '02-topology-reviews-v3-failing')

  // 4. Roll v3 out: the page estimates the plan at the live rate and suggests one that can judge.
  await banner.getByRole('link', { name: 'Roll out v3' }).click()
  await expect(page.getByRole('heading', { name: /^Weights · reviews/ })).toBeVisible()
  await page.getByLabel('Canary subset').selectOption('v3')
  const advice = page.getByTestId('plan-advice')
  await expect(advice).toContainText(/the 5 % step gets about [\d.]+ requests in 30 s — (below|too close to) the minimum of 20/, { timeout: 60_000 })
  await shot(page, '03-plan-advice')
  const suggestion = advice.getByRole('button', { name: /^Step every \d+ s$/ })
  const interval = Number(/\d+/.exec((await suggestion.textContent()) ?? '')?.[0])
  await suggestion.click()
  await expect(page.getByLabel('Interval seconds')).toHaveValue(String(interval))
  await expect(advice).toBeHidden()
  // v2 carries 10 % now: the page says it goes to 0 and asks.
  const displaced = page.getByTestId('displaced-confirm')
  await expect(displaced).toContainText('v2 has 10 % now; while the rollout runs it gets 0 %, and v1 takes that traffic.')
  const startButton = page.getByRole('button', { name: 'Start rollout' })
  await expect(startButton).toBeDisabled()
  await displaced.getByRole('checkbox').check()
  await startButton.click()

  // While it runs, the rollout owns the route: the weight editor shows its weights, read-only.
  const phase = page.getByTestId('rollout-phase')
  await expect(phase).toHaveText(/^Analysing step 1 of 5 — \d+ s left$/, { timeout: 60_000 })
  await expect(page.getByTestId('weights-locked')).toHaveText('Rollout in progress — pause or abort to edit')
  await expect(page.getByLabel('Weight of v3 in percent')).toHaveValue('5')
  await expect(page.getByLabel('Weight of v2 in percent')).toHaveValue('0')
  await expect(page.getByLabel('Weight of v3 in percent')).toBeDisabled()
  await shot(page, '04-rollout-analysing')

  // 5. It rolls back, naming the error rate; the editor is editable again, on the restored weights.
  await expect(phase).toHaveText('Rolled back', { timeout: 200_000 })
  await expect(page.getByTestId('rollout-failure')).toHaveText(/^Rolled back: Error rate [\d.]+% is above the 5\.0% limit\.$/)
  await expect(page.getByTestId('weights-locked')).toBeHidden()
  await expect(page.getByLabel('Weight of v3 in percent')).toHaveValue('0')
  await expect(page.getByLabel('Weight of v3 in percent')).toBeEnabled()

  // 6. The history shows it.
  const row = page.getByTestId('history-row').first()
  await expect(row).toContainText('v1 → v3')
  await expect(row.getByTestId('history-outcome')).toHaveText(/^Rolled back: error rate [\d.]+ % \(limit 5\.0 %\)$/)
  await row.scrollIntoViewIfNeeded()
  await shot(page, '05-rolled-back-history')

  // Dismissed, the banner stays away after a reload.
  await banner.getByRole('button', { name: 'Dismiss the welcome' }).click()
  await expect(banner).toBeHidden()
  await page.reload()
  await expect(page.getByRole('heading', { name: /^Weights · reviews/ })).toBeVisible({ timeout: 30_000 })
  await expect(banner).toBeHidden()
})

test('a running rollout owns its route: a hand edit of the mesh file pauses it, and the editor is editable again', async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(`${serve.url}#/canary`)
  await expect(page.getByRole('heading', { name: /^Weights · reviews/ })).toBeVisible({ timeout: 30_000 })
  // A long step, so the rollout sits in "analysing" while someone edits the file.
  await page.getByLabel('Stable subset').selectOption('v1')
  await page.getByLabel('Canary subset').selectOption('v2')
  await page.getByLabel('Steps').fill('50, 100')
  await page.getByLabel('Interval seconds').fill('600')
  await page.getByLabel('Minimum requests per step').fill('1')
  await page.getByRole('button', { name: 'Start rollout' }).click()
  const phase = page.getByTestId('rollout-phase')
  await expect(phase).toHaveText(/^Analysing step 1 of 2 — \d+ s left$/, { timeout: 60_000 })
  await expect(page.getByLabel('Weight of v2 in percent')).toHaveValue('50')
  await expect(page.getByTestId('weights-locked')).toHaveText('Rollout in progress — pause or abort to edit')

  // Someone opens the routing file in their editor and puts all traffic back on v1.
  const file = join(home, 'demo-mesh', 'demo-reviews-routing.yaml')
  const text = readFileSync(file, 'utf8')
  const edited = text.replace(/(subset: v1 \}\s*\n\s*weight: )\d+/, '$1100').replace(/(subset: v2 \}\s*\n\s*weight: )\d+/, '$10')
  expect(edited).not.toBe(text)
  writeFileSync(file, edited)

  await expect(phase).toHaveText('Paused at step 1 of 2', { timeout: 30_000 })
  await expect(page.getByTestId('rollout-paused-reason')).toHaveText(/^Paused: the route was changed outside the rollout \(it now has v1 100, v2 0, v3 0\)\./)
  await expect(page.getByTestId('weights-locked')).toBeHidden()
  await expect(page.getByLabel('Weight of v2 in percent')).toHaveValue('0')
  await expect(page.getByLabel('Weight of v2 in percent')).toBeEnabled()
  await shot(page, '06-changed-outside-paused')
  await page.getByRole('button', { name: 'Abort' }).click()
  await expect(phase).toHaveText('Aborted')
})

test('the conflict view fits a 1280×720 window, even with a long line in the file', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(`${serve.url}#/canary`)
  await expect(page.getByRole('heading', { name: /^Weights · reviews/ })).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('weights-locked')).toBeHidden()
  const v1 = page.getByLabel('Weight of v1 in percent')
  await v1.fill('70')
  await v1.press('Tab')
  await expect(page.getByTestId('weight-sum')).toHaveText('Sum 100%')
  // Let the preview (and its base version) arrive, then someone else edits the file meanwhile.
  await expect(page.getByLabel('YAML diff')).toContainText('weight: 70')
  await page.waitForTimeout(1000)
  const file = join(home, 'demo-mesh', 'demo-reviews-routing.yaml')
  writeFileSync(file, `# ${'a very long comment that someone pasted into the file, '.repeat(8)}\n${readFileSync(file, 'utf8')}`)
  await page.getByRole('button', { name: 'Apply' }).click()
  const conflict = page.locator('.conflict')
  await expect(conflict).toContainText('changed since you previewed it; your weights were not written.')
  await conflict.scrollIntoViewIfNeeded()
  const box = await conflict.boundingBox()
  expect(box).not.toBeNull()
  expect(box!.x + box!.width).toBeLessThanOrEqual(1280)
  // Nothing sticks out sideways: the page itself never scrolls horizontally.
  const overflow = await page.locator('main.content').evaluate((el) => el.scrollWidth - el.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  await shot(page, '07-conflict-fits')
})

test('a demo workload’s side panel shows its logs and restarts it; the command palette has the demo’s actions', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(`${serve.url}#/topology?node=${encodeURIComponent('ver:demo/reviews/v2')}`)
  const controls = page.getByTestId('topology-panel').getByTestId('demo-controls')
  await expect(controls).toContainText(/^Demo workload reviews-v2\s*running · pid (\d+) · 0 restarts/, { timeout: 60_000 })
  const pid = /pid (\d+)/.exec((await controls.textContent()) ?? '')?.[1]
  await controls.getByRole('button', { name: 'Show logs' }).click()
  await expect(controls.getByTestId('demo-logs')).toContainText('serving reviews v2')
  await controls.getByRole('button', { name: 'Restart reviews-v2' }).click()
  await expect(controls.getByTestId('demo-message')).toHaveText(/^reviews-v2 restarted \(pid \d+\)\.$/)
  await expect(controls).toContainText(/running · pid \d+ · 1 restart\b/, { timeout: 60_000 })
  expect(/pid (\d+)/.exec((await controls.textContent()) ?? '')?.[1]).not.toBe(pid)
  await controls.getByRole('button', { name: 'Refresh logs' }).click()
  await expect(controls.getByTestId('demo-logs')).toContainText('restart requested')

  // The same knobs from the keyboard: Ctrl+K, a few words, Enter.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('make reviews-v2 fail')
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toContainText('Demo: make reviews-v2 fail 30 % of its calls')
  await page.keyboard.press('Enter')
  await expect(controls.getByLabel('Error rate percent')).toHaveValue('30')
  await shot(page, '08-demo-controls')
})
