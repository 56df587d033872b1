import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { parse, stringify } from 'yaml'
import { adminKubeConfig, freePort, installIstioCrds, TestCluster } from '../cluster'
import { startServe, type ServeProcess } from '../support/serve-process'
import { serviceEntryYaml, toYaml } from '../support/xds-mesh-fixtures'

const screenshotDir = 'artifacts/screenshots'

// A real kube-apiserver with Istio's CRDs and a real `meshdeck serve` on a mesh folder; the page's
// Serving selector switches the running control plane between them.
let cluster: TestCluster
let serve: ServeProcess
let dir: string

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(120_000)
  cluster = await TestCluster.start()
  await installIstioCrds(adminKubeConfig(cluster))
  dir = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-serving-'))
  const meshDir = join(dir, 'mesh')
  mkdirSync(meshDir)
  writeFileSync(join(meshDir, 'reviews.yaml'), toYaml([serviceEntryYaml({ name: 'reviews', host: 'reviews.demo.svc.cluster.local', port: 9080 })]))
  // The cluster's kubeconfig plus a context "gone" whose API server nobody listens on.
  const config = parse(readFileSync(cluster.kubeconfigPath, 'utf8')) as { clusters: unknown[]; contexts: unknown[]; users: unknown[] }
  config.clusters.push({ name: 'gone', cluster: { server: `https://127.0.0.1:${await freePort()}`, 'insecure-skip-tls-verify': true } })
  config.users.push({ name: 'gone', user: { token: 'unused' } })
  config.contexts.push({ name: 'gone', context: { cluster: 'gone', user: 'gone' } })
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 })
  serve = await startServe(['--kubeconfig', kubeconfig, '--mesh-dir', meshDir, '--xds-port', '0'])
})

test.afterAll(async () => {
  await serve?.stop()
  await cluster?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('the Serving selector switches to a cluster, shows why an unreachable one is refused, and switches back to the folder', async ({ page }) => {
  await page.goto(`${serve.url}#/control-plane`)
  const select = page.getByRole('combobox', { name: 'Control plane source' })
  await expect(select).toHaveValue('')
  // Every kubeconfig context is offered by name (none is connected here, so in name order).
  await expect(select.getByRole('option')).toHaveText(['the local mesh folder', ...optionsFromKubeconfig()])

  await select.selectOption('admin')
  const outcome = page.getByTestId('cp-serving-outcome')
  await expect(outcome).toContainText('Now serving Istio CRDs of context "admin"')
  await expect(select).toHaveValue('admin')
  await expect(outcome).toHaveAttribute('role', 'status')

  await select.selectOption('gone')
  await expect(outcome).toContainText('Cannot reach the API server')
  await expect(outcome).toContainText('keeps serving context "admin"')
  await expect(outcome).toHaveAttribute('role', 'alert')
  // The select shows what still serves, not the refused choice.
  await expect(select).toHaveValue('admin')
  await page.screenshot({ path: `${screenshotDir}/control-plane-serving.png` })

  await select.selectOption('')
  await expect(outcome).toContainText('Now serving the folder')
  await expect(select).toHaveValue('')
})

/** The contexts the kubeconfig names, sorted as the selector lists unconnected ones. */
function optionsFromKubeconfig(): string[] {
  const config = parse(readFileSync(join(dir, 'kubeconfig'), 'utf8')) as { contexts: { name: string }[] }
  return config.contexts.map((c) => `cluster ${c.name}`).sort()
}
