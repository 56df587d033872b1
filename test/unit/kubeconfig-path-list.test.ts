import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadKubeconfig } from '../../src/main/cluster/io'
import { kubeconfigWithLocalClusters } from '../../src/main/local-clusters/io'

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kubeconfig-list-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const file = (name: string, context: string, current: string): string => {
  const path = join(dir, name)
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: "${current}"\nclusters:\n- name: ${context}\n  cluster: {server: "https://${name}"}\ncontexts:\n- name: ${context}\n  context: {cluster: ${context}, user: u}\n- name: shared\n  context: {cluster: ${context}, user: u}\nusers:\n- name: u\n  user: {token: t}\n`)
  return path
}

describe("Meshdeck's own kubeconfig read after the user's", () => {
  it("lists both files' contexts, the user's file winning names and current-context (kubectl's rule)", async () => {
    const user = file('user', 'work', 'work')
    const own = join(dir, 'data', 'local-clusters', 'kubeconfig')
    const paths = kubeconfigWithLocalClusters(user, join(dir, 'data'))
    expect(paths).toBe([user, own].join(delimiter))
    file('own-first', 'x', 'x')
    // Meshdeck's file missing is not a problem (kubectl skips missing KUBECONFIG entries).
    expect((await loadKubeconfig(paths)).problems).toEqual([])
    const ownText = file('own', 'meshdeck-dev', '')
    const loaded = await loadKubeconfig([user, ownText].join(delimiter))
    expect([...loaded.merged.contexts.keys()]).toEqual(['work', 'shared', 'meshdeck-dev'])
    expect(loaded.merged.contexts.get('shared')?.file).toBe(user)
    expect(loaded.merged.currentContext).toBe('work')
  })
  it('falls back to KUBECONFIG, then ~/.kube/config, for the user part', () => {
    expect(kubeconfigWithLocalClusters(undefined, '/d', { KUBECONFIG: ['/a', '/b'].join(delimiter) })).toBe(['/a', '/b', '/d/local-clusters/kubeconfig'].join(delimiter))
    expect(kubeconfigWithLocalClusters(undefined, '/d', {}).endsWith(['.kube/config', '/d/local-clusters/kubeconfig'].join(delimiter))).toBe(true)
  })
})
