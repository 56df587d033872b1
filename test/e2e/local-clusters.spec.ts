import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { screenshotDir } from './fixtures'

/**
 * The Local clusters page as a user works it, in web mode against a real `meshdeck serve`: a real
 * Docker-free cluster (etcd + kube-apiserver + controller-manager + scheduler) made from the page
 * with its steps shown, the mesh sandbox on it with the Topology page opening on live traffic,
 * and a delete that says what it removes. kind cannot run here: its preflight failing with the
 * cause and the fix is what this machine really shows.
 */
test.describe.configure({ mode: 'serial' })

let home: string
let serve: ServeProcess

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-local-clusters-'))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  mkdirSync(join(home, 'mesh'))
  // A mesh folder gives serve its control plane, as the desktop app always has one.
  serve = await startServe(['--kubeconfig', kubeconfig, '--mesh-dir', join(home, 'mesh'), '--xds-port', '0'], {
    MESHDECK_HOME: home,
    // No engine at this address, whatever the machine has: kind's preflight must fail the same way everywhere.
    DOCKER_HOST: `unix://${join(home, 'no-docker.sock')}`,
  })
})

test.afterAll(async () => {
  // Whatever a failed test left: the cluster's processes must not outlive the run.
  if (serve && existsSync(join(home, 'local-clusters', 'processes', 'e2e'))) {
    const deleted = (await callApi(serve, 'localClusters.delete', { provider: 'processes', name: 'e2e' })).body as { ok: boolean; result?: { operation: { id: string } } }
    if (deleted.ok) await expect.poll(() => existsSync(join(home, 'local-clusters', 'processes', 'e2e')), { timeout: 30_000 }).toBe(false)
  }
  await serve?.stop()
  rmSync(home, { recursive: true, force: true })
})

test('creates a Docker-free cluster from the page with its steps shown, refusing a bad name first', async ({ page }) => {
  test.setTimeout(120_000)
  const problems: string[] = []
  page.on('pageerror', (err) => problems.push(err.message))
  await page.goto(`${serve.url}#/local-clusters`)
  await expect(page.getByText('No local clusters yet')).toBeVisible()
  await page.screenshot({ path: `${screenshotDir}/local-clusters-empty.png` })

  await page.getByTestId('new-cluster').click()
  const form = page.getByTestId('create-form')
  await expect(form.getByTestId('no-kubelet-note')).toContainText('It has no kubelet: pods are stored, never run.')
  await expect(form.getByTestId('check-binaries')).toHaveClass(/ok/)
  await form.getByTestId('field-name').fill('Dev_1')
  await expect(form.getByTestId('problem-name')).toContainText('"Dev_1" is not a DNS label')
  await expect(form.getByTestId('create')).toBeDisabled()
  await page.screenshot({ path: `${screenshotDir}/local-clusters-bad-name.png` })

  await form.getByTestId('field-name').fill('e2e')
  await expect(form.getByTestId('problem-name')).toHaveCount(0)
  await expect(form.getByTestId('create')).toBeEnabled()
  await form.getByTestId('create').click()

  const progress = page.getByTestId('operation')
  await expect(progress).toBeVisible()
  // The apiserver takes seconds to come up: its step is seen running, then done with a time.
  await expect(progress.getByTestId('step-kube-apiserver')).toHaveAttribute('data-state', 'running', { timeout: 20_000 })
  await page.screenshot({ path: `${screenshotDir}/local-clusters-creating.png` })
  await expect(progress).toHaveAttribute('data-state', 'succeeded', { timeout: 90_000 })
  for (const step of ['binaries', 'pki', 'etcd', 'kube-apiserver', 'controllers', 'kubeconfig', 'connect']) {
    await expect(progress.getByTestId(`step-${step}`)).toHaveAttribute('data-state', 'done')
    await expect(progress.getByTestId(`step-${step}`).locator('.time')).toHaveText(/\d+(\.\d)? (ms|s)/)
  }
  const row = page.getByTestId('cluster-e2e')
  await expect(row).toHaveAttribute('data-state', 'running')
  await expect(row).toContainText('Docker-free · no kubelet')
  await expect(row).toContainText('4/4 processes running')
  await expect(row).toContainText('meshdeck-e2e')
  await page.screenshot({ path: `${screenshotDir}/local-clusters-created.png` })
  expect(problems).toEqual([])
})

test('runs the mesh sandbox on it, each step shown, and the Topology page opens with live traffic', async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto(`${serve.url}#/local-clusters`)
  const row = page.getByTestId('cluster-e2e')
  await row.getByRole('button', { name: 'Mesh sandbox' }).click()
  const progress = page.getByTestId('operation')
  await expect(progress.getByRole('heading')).toHaveText('Mesh sandbox on e2e')
  await expect(progress.getByTestId('step-crds')).toHaveAttribute('data-state', /done|running/, { timeout: 30_000 })
  await page.screenshot({ path: `${screenshotDir}/local-clusters-sandbox-progress.png` })
  // When it is done the page moves to the Topology page by itself.
  await expect(page).toHaveURL(/#\/topology/, { timeout: 120_000 })
  await expect(page.getByTestId('topology-graph')).toBeVisible()
  // The demo's four services (the cluster's own `kubernetes` Service is served and drawn too).
  await expect
    .poll(
      async () => {
        const graph = (await callApi(serve, 'topology.get')).body as { result: { nodes: { id: string }[] } }
        return graph.result.nodes.map((n) => n.id).filter((id) => id.startsWith('svc:') && id.endsWith('.demo.svc.cluster.local')).sort()
      },
      { timeout: 30_000 },
    )
    .toEqual(['svc:details.demo.svc.cluster.local', 'svc:frontend.demo.svc.cluster.local', 'svc:ratings.demo.svc.cluster.local', 'svc:reviews.demo.svc.cluster.local'])
  await expect
    .poll(
      async () => {
        const graph = (await callApi(serve, 'topology.get')).body as { result: { edges: { target: string; stats: { rps: number } }[] } }
        return graph.result.edges.filter((e) => e.stats.rps > 0 && e.target.includes('reviews')).length
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(0)
  const status = (await callApi(serve, 'controlPlane.status')).body as { result: { configSource: { kind: string; name: string } } }
  expect(status.result.configSource).toMatchObject({ kind: 'cluster', name: 'meshdeck-e2e' })
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${screenshotDir}/local-clusters-sandbox-topology.png` })
})

test('deletes it after saying what goes, and nothing is left', async ({ page }) => {
  test.setTimeout(60_000)
  await page.goto(`${serve.url}#/local-clusters`)
  await page.getByTestId('delete-e2e').click()
  const confirm = page.getByTestId('delete-confirm')
  await expect(confirm).toContainText(/process kube-apiserver \(pid \d+\)/)
  await expect(confirm).toContainText(`context meshdeck-e2e in ${join(home, 'local-clusters', 'kubeconfig')}`)
  await page.screenshot({ path: `${screenshotDir}/local-clusters-delete-confirm.png` })
  await confirm.getByTestId('confirm-delete').click()
  await expect(page.getByTestId('operation')).toHaveAttribute('data-state', 'succeeded', { timeout: 30_000 })
  await expect(page.getByTestId('cluster-e2e')).toHaveCount(0)
  expect(readdirSync(join(home, 'local-clusters', 'processes'))).toEqual([])
})

test("kind's preflight shows each failure with its cause and fix", async ({ page }) => {
  await page.goto(`${serve.url}#/local-clusters`)
  await page.getByTestId('new-cluster').click()
  const form = page.getByTestId('create-form')
  await form.getByTestId('provider-kind').click()
  const engine = form.getByTestId('check-engine')
  await expect(engine).toHaveClass(/fail/)
  await expect(engine).toContainText(`No Docker or Podman socket found (looked at ${join(home, 'no-docker.sock')}, `)
  await expect(engine).toContainText('Fix: Install Docker')
  // This machine has no kind on PATH.
  await expect(form.getByTestId('check-kind')).toContainText('kind is not on PATH.')
  await expect(form.getByTestId('check-kind')).toContainText('Fix: Install kind')
  await expect(form.getByTestId('create')).toBeDisabled()
  await page.screenshot({ path: `${screenshotDir}/local-clusters-kind-preflight.png` })
})
