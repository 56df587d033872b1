import { expect, test, type Page } from '@playwright/test'
import { startDemoServe, type DemoServe } from './demo-serve'
import { screenshotDir } from './fixtures'

/**
 * The topology page fits the window: no scrolling, the graph fitted inside what is visible (not
 * under the status bar, not under the side panel), edge labels switchable, pinned nodes marked and
 * the sidebar down to icons on a narrow window. Against the real demo, in real Chromium.
 */
test.describe.configure({ mode: 'serial' })

let demo: DemoServe
test.beforeAll(async () => {
  demo = await startDemoServe('layout')
})
test.afterAll(async () => {
  await demo?.stop()
})

type Box = { x: number; y: number; width: number; height: number }

/** Every leaf node's centre on screen, from cytoscape's registry on the container. */
async function nodeCentres(page: Page): Promise<{ id: string; x: number; y: number; pinned: string }[]> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    type N = { id(): string; isParent(): boolean; data(k: string): string; renderedPosition(): { x: number; y: number } }
    const cy = (el as unknown as { _cyreg: { cy: { nodes(): { filter(f: (n: N) => boolean): { map<T>(f: (n: N) => T): T[] } } } } })._cyreg.cy
    const r = el.getBoundingClientRect()
    return cy
      .nodes()
      .filter((n) => !n.isParent())
      .map((n) => ({ id: n.id(), x: r.left + n.renderedPosition().x, y: r.top + n.renderedPosition().y, pinned: n.data('pinned') }))
  })
}

async function edgeLabels(page: Page): Promise<string[]> {
  return page.getByTestId('topology-graph').evaluate((el) => {
    const cy = (el as unknown as { _cyreg: { cy: { edges(): { map<T>(f: (e: { data(k: string): string }) => T): T[] } } } })._cyreg.cy
    return cy.edges().map((e) => e.data('label'))
  })
}

const box = async (page: Page, testId: string): Promise<Box> => (await page.getByTestId(testId).boundingBox()) as Box
const inside = (p: { x: number; y: number }, b: Box): boolean => p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height

for (const size of [
  { width: 1280, height: 720 },
  { width: 1024, height: 700 },
]) {
  test(`at ${size.width}×${size.height} the topology fills the window exactly and Fit keeps every node in view, beside the side panel too`, async ({ page }) => {
    test.setTimeout(150_000)
    await page.setViewportSize(size)
    await page.goto(`${demo.serve.url}#/topology`)
    await expect(page.getByTestId('topology-counts')).toContainText('4 services', { timeout: 90_000 })
    // Nothing scrolls: not the document, not the content area.
    const overflow = await page.evaluate(() => {
      type Scrolling = { scrollHeight: number; clientHeight: number; scrollWidth: number }
      const g = globalThis as unknown as { innerHeight: number; innerWidth: number; document: { documentElement: Scrolling; querySelector(s: string): Scrolling } }
      const root = g.document.documentElement
      const content = g.document.querySelector('main.content')
      return { doc: root.scrollHeight - g.innerHeight, docX: root.scrollWidth - g.innerWidth, content: content.scrollHeight - content.clientHeight }
    })
    expect(overflow).toEqual({ doc: 0, docX: 0, content: 0 })
    // The stage ends above the status bar, and the status bar ends at the window's bottom.
    const stage = await box(page, 'topology-stage')
    const status = (await page.getByRole('contentinfo', { name: 'Status' }).boundingBox()) as Box
    expect(stage.y + stage.height).toBeLessThanOrEqual(status.y)
    expect(status.y + status.height).toBeCloseTo(size.height, 0)

    await page.getByRole('button', { name: 'Fit', exact: true }).click()
    const graph = await box(page, 'topology-graph')
    const outside = (await nodeCentres(page)).filter((n) => !inside(n, graph)).map((n) => n.id)
    expect(outside).toEqual([])
    await page.screenshot({ path: `${screenshotDir}/topology-fit-${size.width}x${size.height}.png` })

    // Opening the side panel (from the table view, by keyboard-reachable buttons) narrows the graph
    // to what is left beside it, and the graph is fitted again into that.
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Table' }).click()
    await page.getByRole('table', { name: 'Nodes' }).getByRole('button', { name: 'reviews', exact: true }).click()
    await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Graph' }).click()
    const panel = page.getByTestId('topology-panel')
    await expect(panel).toBeVisible()
    await expect(panel.getByTestId('panel-window')).toHaveText(/last 10 s/)
    const panelBox = (await panel.boundingBox()) as Box
    await expect.poll(async () => (await box(page, 'topology-graph')).x + (await box(page, 'topology-graph')).width).toBeLessThanOrEqual(panelBox.x + 1)
    await expect.poll(async () => (await nodeCentres(page)).filter((n) => !inside(n, { ...graph, width: panelBox.x - graph.x })).map((n) => n.id)).toEqual([])
    await page.screenshot({ path: `${screenshotDir}/topology-panel-${size.width}x${size.height}.png` })
    // Closing it gives the graph the whole stage back.
    await panel.getByRole('button', { name: 'Close details' }).click()
    await expect.poll(async () => (await box(page, 'topology-graph')).width).toBeCloseTo(graph.width, 0)

    // Below ~1200 px the sidebar is icons only; the links keep their names.
    const sidebar = (await page.getByRole('navigation', { name: 'Pages' }).boundingBox()) as Box
    if (size.width < 1200) expect(sidebar.width).toBeLessThan(64)
    else expect(sidebar.width).toBeGreaterThan(150)
    await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Control plane' })).toBeVisible()
  })
}

test('the edge label switch shows one figure at a time, or none, and a dragged node is marked pinned', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.goto(`${demo.serve.url}#/topology`)
  await expect(page.getByTestId('topology-counts')).toContainText('4 services', { timeout: 90_000 })
  await expect.poll(async () => (await edgeLabels(page)).some((l) => /rps · .*err/.test(l))).toBe(true)

  const mode = page.getByRole('combobox', { name: 'Edge labels' })
  await mode.selectOption({ label: 'Error rate' })
  await expect.poll(async () => (await edgeLabels(page)).filter((l) => l !== '' && !/^(\d+(\.\d+)?% err|weight .*|observed .*)$/.test(l))).toEqual([])
  expect((await edgeLabels(page)).some((l) => /^\d+(\.\d+)?% err$/.test(l))).toBe(true)
  await mode.selectOption({ label: 'Latency p99' })
  await expect.poll(async () => (await edgeLabels(page)).some((l) => /^p99 \d/.test(l))).toBe(true)
  expect((await edgeLabels(page)).filter((l) => /rps/.test(l))).toEqual([])
  await mode.selectOption({ label: 'No labels' })
  await expect.poll(async () => (await edgeLabels(page)).filter((l) => l !== '')).toEqual([])

  // Layout names say what they do.
  await expect(page.getByRole('combobox', { name: 'Layout' }).locator('option')).toHaveText([
    'Automatic (calls flow left → right)',
    'Tree (tidy, for small graphs)',
    'Layers (fast, for large graphs)',
    'Organic (related services cluster)',
  ])

  // Drag a node: it is marked pinned (a ring on the canvas, explained in the legend); Unpin all clears it.
  const target = (await nodeCentres(page)).find((n) => n.id === 'ver:demo/ratings/v1') as { x: number; y: number }
  await page.mouse.move(target.x, target.y)
  await page.mouse.down()
  await page.mouse.move(target.x + 30, target.y + 40, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => (await nodeCentres(page)).find((n) => n.id === 'ver:demo/ratings/v1')?.pinned).toBe('yes')
  await expect(page.getByTestId('topology-legend')).toContainText('pinned')
  await page.getByRole('button', { name: 'Unpin all' }).click()
  await expect.poll(async () => (await nodeCentres(page)).filter((n) => n.pinned === 'yes').length).toBe(0)
})
