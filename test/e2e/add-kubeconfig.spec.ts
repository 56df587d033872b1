import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startServe, type ServeProcess } from '../support/serve-process'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'

/**
 * "Load a kubeconfig" from an empty state, in the UI: a Meshdeck started with a kubeconfig without
 * contexts shows empty pages; the user names a file in the empty state's form; main checks it
 * (a missing file, a file without contexts are refused with the reason) and links it; its contexts
 * appear on the Clusters page without a restart, without their credentials, and stay after a reload.
 */
test.use({ viewport: { width: 1280, height: 720 } })

let home: string
let serve: ServeProcess
let kubeconfig: { path: string; cleanup: () => void }
let second: string
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

test.beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'meshdeck-e2e-add-kubeconfig-'))
  const empty = join(home, 'empty-kubeconfig')
  writeFileSync(empty, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  writeFileSync(join(home, 'no-contexts.yaml'), 'apiVersion: v1\nkind: Config\nclusters: []\n')
  kubeconfig = writeTempKubeconfig()
  second = join(home, 'staging.yaml')
  writeFileSync(
    second,
    'apiVersion: v1\nkind: Config\ncontexts:\n- name: staging\n  context: { cluster: staging, user: ci }\n- name: dev\n  context: { cluster: staging, user: ci }\nclusters:\n- name: staging\n  cluster: { server: "https://127.0.0.3:6443" }\nusers:\n- name: ci\n  user: { token: another-secret }\n',
  )
  serve = await startServe(['--kubeconfig', empty], { MESHDECK_HOME: home })
})

test.afterAll(async () => {
  await serve?.stop()
  kubeconfig?.cleanup()
  rmSync(home, { recursive: true, force: true })
})

test('the empty state adds a kubeconfig file: refused with the reason when unusable, then its contexts are listed', async ({ page }) => {
  test.setTimeout(120_000)
  await page.goto(`${serve.url}#/pods`)
  const form = page.getByTestId('add-kubeconfig')
  await expect(page.getByRole('heading', { name: 'No pods to show yet' })).toBeVisible({ timeout: 30_000 })
  await expect(form).toBeVisible()
  // No contexts yet: no "Choose a cluster context" (it would lead to an empty Clusters page).
  await expect(page.getByTestId('empty-actions').getByRole('link', { name: 'Choose a cluster context' })).toHaveCount(0)
  const path = form.getByLabel('Add a kubeconfig file')
  const add = form.getByRole('button', { name: 'Add kubeconfig' })

  await path.fill(join(home, 'missing.yaml'))
  await add.click()
  await expect(form.getByRole('alert')).toContainText(`There is no file at ${join(home, 'missing.yaml')}`)
  await path.fill('relative/config')
  await add.click()
  await expect(form.getByRole('alert')).toContainText('is not an absolute path')
  await path.fill(join(home, 'no-contexts.yaml'))
  await add.click()
  await expect(form.getByRole('alert')).toContainText('defines no context')

  await path.fill(kubeconfig.path)
  await add.click()
  // Its current-context is now the one looked at: the Pods page leaves its empty state for it.
  await expect(page.getByRole('heading', { name: 'No pods to show yet' })).toBeHidden()
  await expect(page.getByText('Context dev', { exact: true })).toBeVisible()

  // The Clusters page lists its contexts, with servers and without credentials.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Clusters', exact: true }).click()
  await expect(page.getByRole('row', { name: /^dev / })).toContainText('https://127.0.0.1:6443')
  await expect(page.getByRole('row', { name: /^prod / })).toContainText('https://127.0.0.2:6443')
  // The page names the files it read: the user's file, not Meshdeck's link to it.
  await expect(page.getByText(new RegExp(`^Kubeconfig: .*${escape(kubeconfig.path)}`))).toBeVisible()
  expect(await page.content()).not.toContain('super-secret-token')

  // A second file from the Clusters page's own form: its new context is listed, the clash named.
  const clusters = page.getByTestId('add-kubeconfig')
  await clusters.getByLabel('Add a kubeconfig file').fill(second)
  await clusters.getByRole('button', { name: 'Add kubeconfig' }).click()
  await expect(page.getByTestId('add-kubeconfig-message')).toHaveText(`Added ${second}: 2 contexts (staging, dev) (dev already came from an earlier file, which wins, as in kubectl).`)
  await expect(page.getByRole('row', { name: /^staging / })).toContainText('https://127.0.0.3:6443')
  await clusters.getByLabel('Add a kubeconfig file').fill(second)
  await clusters.getByRole('button', { name: 'Add kubeconfig' }).click()
  await expect(clusters.getByRole('alert')).toContainText(`Meshdeck already reads ${second}`)

  // A reload reads every file again: the added ones are still there.
  await page.reload()
  await expect(page.getByRole('row', { name: /^staging / })).toBeVisible({ timeout: 30_000 })
  await page.getByRole('row', { name: /^staging / }).getByRole('button', { name: 'View' }).click()
  await expect(page.getByRole('row', { name: /^staging / })).toContainText('viewing')
  await page.screenshot({ path: test.info().outputPath('kubeconfig-added.png') })
})
