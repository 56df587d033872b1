import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A kubeconfig with two contexts and a token, for tests that need contexts but no cluster. */
export function writeTempKubeconfig(): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kubeconfig-'))
  const path = join(dir, 'config')
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: { cluster: dev, user: dev, namespace: shop }
- name: prod
  context: { cluster: prod, user: dev }
clusters:
- name: dev
  cluster: { server: "https://127.0.0.1:6443" }
- name: prod
  cluster: { server: "https://127.0.0.2:6443" }
users:
- name: dev
  user: { token: super-secret-token }
`,
    { mode: 0o600 },
  )
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
