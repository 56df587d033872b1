import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LocalCluster, LocalClusterOperation } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { meshdeckKubeconfigPath } from '../../src/main/local-clusters/io'
import { isAlive, waitFor } from '../support/wait'

// The Docker-free provider for real: etcd, kube-apiserver, controller-manager and scheduler from
// ~/.cache/meshdeck/kube-1.20/assets, started, stopped, started again and deleted through
// Meshdeck's router, with kubeconfig results cross-checked by kubectl itself.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-local-processes-'))
const dataDir = join(dir, 'data')
const userKubeconfig = join(dir, 'user-config')
// The user's own kubeconfig: a context that is current, and an entry named like the one the merge writes.
const userText = `apiVersion: v1
kind: Config
current-context: work
clusters:
- name: work
  cluster: {server: 'https://work.example:6443'}
- name: meshdeck-dev
  cluster: {server: 'https://old.example:6443'}
contexts:
- name: work
  context: {cluster: work, user: work}
- name: meshdeck-dev
  context: {cluster: meshdeck-dev, user: work}
users:
- name: work
  user: {token: t}
`
writeFileSync(userKubeconfig, userText, { mode: 0o600 })

function kubectlView(paths: string[]): { 'current-context': string; contexts: { name: string; context: { cluster: string } }[] | null; clusters: { name: string; cluster: { server: string } }[] | null } {
  const out = execFileSync('kubectl', ['config', 'view', '-o', 'json'], { env: { ...process.env, KUBECONFIG: paths.join(delimiter) }, encoding: 'utf8' })
  return JSON.parse(out) as ReturnType<typeof kubectlView>
}

describe('Docker-free local clusters', () => {
  let meshdeck: Meshdeck
  const operations: LocalClusterOperation[] = []
  const changes: LocalCluster[][] = []
  const finished = async (id: string): Promise<LocalClusterOperation> =>
    waitFor(`operation ${id}`, () => {
      const last = operations.filter((o) => o.id === id).pop()
      return last && last.state !== 'running' ? last : undefined
    }, 120_000)
  const list = async (): Promise<LocalCluster[]> => (await meshdeck.router.invoke('localClusters.list', {})).clusters

  afterAll(async () => {
    await meshdeck?.router.invoke('localClusters.delete', { provider: 'processes', name: 'dev' }).catch(() => undefined)
    await waitFor('dev gone', async () => !existsSync(join(dataDir, 'local-clusters', 'processes', 'dev')), 30_000).catch(() => undefined)
    await meshdeck?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a bad name before anything starts, naming the field', async () => {
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: userKubeconfig, dataDir })
    meshdeck.bus.subscribe((name, payload) => {
      if (name === 'localClusters.operation') operations.push(payload as LocalClusterOperation)
      if (name === 'localClusters.changed') changes.push((payload as { clusters: LocalCluster[] }).clusters)
    })
    const outcome = await meshdeck.router.call('localClusters.create', { provider: 'processes', name: 'Dev_1' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_cluster_spec', message: expect.stringMatching(/^name: "Dev_1" is not a DNS label/) } })
    expect(operations).toEqual([])
    expect(existsSync(join(dataDir, 'local-clusters', 'processes'))).toBe(false)
  })

  it('refuses a name whose context your kubeconfig already has, unless asked to merge (it would be hidden)', async () => {
    const outcome = await meshdeck.router.call('localClusters.create', { provider: 'processes', name: 'dev' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_cluster_spec', message: expect.stringContaining(`name: Your kubeconfig already has a context meshdeck-dev (${userKubeconfig})`) } })
    expect(operations).toEqual([])
  })

  it('creates a cluster with each step timed, lists it as running, and connects Meshdeck to it', async () => {
    const started = Date.now()
    const { operation } = await meshdeck.router.invoke('localClusters.create', { provider: 'processes', name: 'dev', kubeconfig: 'merge' })
    const done = await finished(operation.id)
    expect(done.error).toBeUndefined()
    expect(done.state).toBe('succeeded')
    console.log(`Docker-free cluster created in ${Date.now() - started} ms: ${done.steps.map((s) => `${s.id} ${s.durationMs} ms`).join(', ')}`)
    expect(done.steps.map((s) => [s.id, s.state])).toEqual([
      ['binaries', 'done'],
      ['pki', 'done'],
      ['etcd', 'done'],
      ['kube-apiserver', 'done'],
      ['controllers', 'done'],
      ['kubeconfig', 'done'],
      ['connect', 'done'],
    ])
    expect(done.steps.every((s) => typeof s.durationMs === 'number')).toBe(true)
    expect(done.context).toBe('meshdeck-dev')

    const dev = (await list()).find((c) => c.name === 'dev')
    expect(dev).toMatchObject({ provider: 'processes', state: 'running', context: 'meshdeck-dev', kubeconfig: 'merged', runsPods: false, kubernetesVersion: 'v1.20.2' })
    expect(dev?.components.map((c) => [c.name, c.state])).toEqual([
      ['etcd', 'running'],
      ['kube-apiserver', 'running'],
      ['kube-controller-manager', 'running'],
      ['kube-scheduler', 'running'],
    ])
    for (const c of dev?.components ?? []) expect(isAlive(c.pid as number)).toBe(true)

    // Listed among Meshdeck's contexts, while the user's current-context stays theirs.
    const contexts = await meshdeck.router.invoke('clusters.listContexts', {})
    expect(contexts.contexts.find((c) => c.name === 'meshdeck-dev')?.server).toBe(dev?.server)
    expect(contexts.contexts.find((c) => c.isKubeconfigCurrent)?.name).toBe('work')
    const connections = await meshdeck.router.invoke('clusters.connections', {})
    expect(connections.find((c) => c.context === 'meshdeck-dev')).toMatchObject({ state: 'connected', serverVersion: expect.stringMatching(/^v1\.20/) })
    await expect(meshdeck.router.invoke('app.status', {})).resolves.toMatchObject({ currentContext: 'meshdeck-dev' })

    // kubectl reads the same thing from the same files: the merge replaced the old entry, kept current-context, left a backup.
    const view = kubectlView([userKubeconfig, meshdeckKubeconfigPath(dataDir)])
    expect(view['current-context']).toBe('work')
    expect(view.clusters?.find((c) => c.name === 'meshdeck-dev')?.cluster.server).toBe(dev?.server)
    expect(view.contexts?.map((c) => c.name).sort()).toEqual(['meshdeck-dev', 'work'])
    const backups = readdirSync(dir).filter((f) => f.startsWith('user-config.meshdeck-backup-'))
    expect(backups.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual([userText])
    const own = kubectlView([meshdeckKubeconfigPath(dataDir)])
    expect(own['current-context']).toBe('')
    expect(own.clusters?.find((c) => c.name === 'meshdeck-dev')?.cluster.server).toBe(dev?.server)
    // And kubectl can use it.
    const nodes = execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'meshdeck-dev', 'get', 'namespaces', '-o', 'name'], { encoding: 'utf8' })
    expect(nodes).toContain('namespace/default')
  }, 180_000)

  it('stops keeping the data, starts again on the same server, and shows component logs', async () => {
    const ns = (): string =>
      execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'meshdeck-dev', 'create', 'namespace', 'kept'], { encoding: 'utf8' })
    expect(ns()).toContain('namespace/kept created')
    const stop = await meshdeck.router.invoke('localClusters.stop', { provider: 'processes', name: 'dev' })
    expect((await finished(stop.operation.id)).state).toBe('succeeded')
    // The page learns of it from an event, not by polling.
    await waitFor('a stopped event', () => changes.some((clusters) => clusters.some((c) => c.name === 'dev' && c.state === 'stopped')), 10_000)
    const stopped = (await list()).find((c) => c.name === 'dev')
    expect(stopped?.state).toBe('stopped')
    expect(stopped?.components.every((c) => c.pid === null)).toBe(true)

    const begun = Date.now()
    const start = await meshdeck.router.invoke('localClusters.start', { provider: 'processes', name: 'dev' })
    const done = await finished(start.operation.id)
    expect(done.error).toBeUndefined()
    console.log(`Docker-free cluster started again in ${Date.now() - begun} ms`)
    expect((await list()).find((c) => c.name === 'dev')).toMatchObject({ state: 'running', server: stopped?.server })
    const got = execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfigPath(dataDir), '--context', 'meshdeck-dev', 'get', 'namespace', 'kept', '-o', 'name'], { encoding: 'utf8' })
    expect(got.trim()).toBe('namespace/kept')
    const logs = await meshdeck.router.invoke('localClusters.logs', { name: 'dev', component: 'kube-apiserver', tail: 20 })
    expect(logs.lines.length).toBeGreaterThan(0)
  }, 180_000)

  it('says what a delete removes, then removes exactly that and restores the replaced entries', async () => {
    const plan = await meshdeck.router.invoke('localClusters.deletePlan', { provider: 'processes', name: 'dev' })
    expect(plan.removes.join('\n')).toMatch(/process etcd \(pid \d+\)/)
    expect(plan.removes.join('\n')).toContain(`context meshdeck-dev in ${userKubeconfig}`)
    const pids = (await list()).find((c) => c.name === 'dev')?.components.map((c) => c.pid as number) ?? []
    const { operation } = await meshdeck.router.invoke('localClusters.delete', { provider: 'processes', name: 'dev' })
    const done = await finished(operation.id)
    expect(done.state).toBe('succeeded')
    expect(pids.filter(isAlive)).toEqual([])
    expect(readdirSync(join(dataDir, 'local-clusters', 'processes'))).toEqual([])
    expect((await list()).some((c) => c.name === 'dev')).toBe(false)
    // The user's file is back to what it held (the old meshdeck-dev entries included), as kubectl reads it.
    const view = kubectlView([userKubeconfig])
    expect(view['current-context']).toBe('work')
    expect(view.clusters?.find((c) => c.name === 'meshdeck-dev')?.cluster.server).toBe('https://old.example:6443')
    expect(kubectlView([meshdeckKubeconfigPath(dataDir)]).contexts ?? []).toEqual([])
  }, 60_000)
})
