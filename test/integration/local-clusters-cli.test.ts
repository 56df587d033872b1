import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LocalCluster, LocalClusterOperation } from '@shared/contract'
import { waitFor } from '../support/wait'

// `meshdeck cluster …` as a person runs it: the built CLI (npm run build), a fresh MESHDECK_HOME,
// a real Docker-free cluster. Its processes outlive each one-shot command, as kind's containers
// outlive `kind create`, and `cluster delete` ends them.
const root = join(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'meshdeck-cluster-cli-'))
const kubeconfig = join(home, 'user-config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const env = { ...process.env, MESHDECK_HOME: home, KUBECONFIG: kubeconfig, DOCKER_HOST: `unix://${join(home, 'no.sock')}` }

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'cluster', ...args], { cwd: root, env, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })
    })
  })
}

afterAll(async () => {
  if (existsSync(join(home, 'local-clusters', 'processes', 'cli'))) await cli('delete', 'cli')
  rmSync(home, { recursive: true, force: true })
})

describe('meshdeck cluster', () => {
  it('refuses a bad name with the field and exit code 1, starting nothing', async () => {
    const result = await cli('create', 'Bad_Name')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('meshdeck: name: "Bad_Name" is not a DNS label')
    expect(result.stdout).toBe('')
    const usage = await cli('create', 'x', '--provider', 'docker')
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--provider is processes (Docker-free) or kind, got "docker".')
  })

  it('creates a Docker-free cluster printing each step, then lists it (human and -o json)', async () => {
    const created = await cli('create', 'cli')
    expect(created.code).toBe(0)
    expect(created.stdout).toMatch(/^Creating Docker-free cluster cli\n {2}✓ Find etcd and kube-apiserver {2}\d+ ms\n/)
    expect(created.stdout).toMatch(/✓ Start kube-apiserver and wait until ready {2}\d+(\.\d)? (ms|s)/)
    expect(created.stdout).toContain(`cluster cli is ready: context meshdeck-cli in ${join(home, 'local-clusters', 'kubeconfig')}`)
    const human = await cli('list')
    expect(human.stdout).toMatch(/^NAME +KIND +STATE +VERSION +SERVER +CONTEXT +NODES\/PROCS\ncli +docker-free \(no kubelet\) +running +v1\.20\.2 +https:\/\/127\.0\.0\.1:\d+ +meshdeck-cli +4\/4\n$/)
    const json = JSON.parse((await cli('list', '-o', 'json')).stdout) as { clusters: LocalCluster[] }
    expect(json.clusters).toMatchObject([{ name: 'cli', provider: 'processes', state: 'running', context: 'meshdeck-cli' }])
  }, 120_000)

  it('sandbox: the demo mesh on it, the Topology URL printed, live traffic, and Ctrl+C leaves the cluster running', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'cluster', 'sandbox', 'cli', '-o', 'json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    try {
      const line = await waitFor('the sandbox JSON line', () => stdout.split('\n').find((l) => l.includes('topologyUrl')), 120_000)
      const { operation, topologyUrl } = JSON.parse(line) as { operation: LocalClusterOperation; topologyUrl: string }
      expect(operation.state).toBe('succeeded')
      expect(operation.steps.find((s) => s.id === 'binaries')?.state).toBe('skipped')
      const url = new URL(topologyUrl)
      expect(url.hash).toBe('#/topology')
      const api = async (method: string): Promise<unknown> => {
        const res = await fetch(`${url.origin}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${url.searchParams.get('token') ?? ''}` }, body: '{}' })
        return ((await res.json()) as { result: unknown }).result
      }
      await waitFor(
        'traffic to reviews in the topology',
        async () => ((await api('topology.get')) as { edges: { target: string; stats: { rps: number } }[] }).edges.some((e) => e.target.includes('reviews') && e.stats.rps > 0),
        30_000,
        500,
      )
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    }
    expect(stderr).toBe('')
    const after = JSON.parse((await cli('list', '-o', 'json')).stdout) as { clusters: LocalCluster[] }
    expect(after.clusters[0]?.state).toBe('running')
  }, 240_000)

  it('deletes it: processes gone, folder gone, context gone', async () => {
    const pids = (JSON.parse((await cli('list', '-o', 'json')).stdout) as { clusters: LocalCluster[] }).clusters[0]?.components.map((c) => c.pid as number) ?? []
    const deleted = await cli('delete', 'cli', '-o', 'json')
    expect(deleted.code).toBe(0)
    expect((JSON.parse(deleted.stdout) as LocalClusterOperation).state).toBe('succeeded')
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow()
    expect(readdirSync(join(home, 'local-clusters', 'processes'))).toEqual([])
    expect(readFileSync(join(home, 'local-clusters', 'kubeconfig'), 'utf8')).not.toContain('meshdeck-cli')
    expect((await cli('list')).stdout).toContain('No local clusters.')
  }, 60_000)
})
