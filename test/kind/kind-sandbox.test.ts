import { execFile, execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { LocalCluster, LocalClusterOperation } from '@shared/contract'
import { waitFor } from '../support/wait'

// REAL kind and Docker (run by .github/workflows/desktop-and-kind.yml; they do not exist on the
// development machines). The built CLI creates a kind cluster from flags and deletes it, then runs
// the mesh sandbox on kind — workloads as pods of the image built from this checkout, Meshdeck's
// control plane on the kind network's gateway — sees traffic in the topology, and deletes it all.
const root = join(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'meshdeck-kind-e2e-'))
const kubeconfig = join(home, 'user-config')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
const env = { ...process.env, MESHDECK_HOME: home, KUBECONFIG: kubeconfig }
const meshdeckKubeconfig = join(home, 'local-clusters', 'kubeconfig')

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'cluster', ...args], { cwd: root, env, timeout: 900_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    )
  })
}

function kindNodes(cluster: string): string[] {
  return execFileSync('docker', ['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}'], { encoding: 'utf8' }).split('\n').filter(Boolean)
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

afterAll(async () => {
  for (const name of ['e2e-form', 'e2e']) if (kindNodes(name).length > 0) await cli('delete', name, '--provider', 'kind')
  rmSync(home, { recursive: true, force: true })
})

describe('kind, for real', () => {
  it('creates a two-node cluster from flags with a port mapping, connects, and deletes it leaving nothing', async () => {
    const hostPort = await freePort()
    const created = await cli('create', 'e2e-form', '--provider', 'kind', '--workers', '1', '--port', `${hostPort}:30080`, '-o', 'json')
    expect(created.stderr).toBe('')
    const op = JSON.parse(created.stdout) as LocalClusterOperation
    expect(op.error).toBeUndefined()
    expect(op.steps.map((s) => s.title)).toEqual(expect.arrayContaining(['Preparing nodes', 'Starting control-plane', 'Joining worker nodes', 'Connect Meshdeck']))
    const listed = (JSON.parse((await cli('list', '-o', 'json')).stdout) as { clusters: LocalCluster[] }).clusters.find((c) => c.name === 'e2e-form')
    expect(listed).toMatchObject({ provider: 'kind', state: 'running', context: 'kind-e2e-form', server: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/) })
    expect(listed?.nodes.map((n) => n.role).sort()).toEqual(['control-plane', 'worker'])
    const nodes = execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfig, '--context', 'kind-e2e-form', 'get', 'nodes', '-o', 'name'], { encoding: 'utf8' })
    expect(nodes.split('\n').filter(Boolean)).toHaveLength(2)
    expect(readFileSync(kubeconfig, 'utf8')).toBe('apiVersion: v1\nkind: Config\ncontexts: []\n')
    const deleted = await cli('delete', 'e2e-form', '-o', 'json')
    expect((JSON.parse(deleted.stdout) as LocalClusterOperation).state).toBe('succeeded')
    expect(kindNodes('e2e-form')).toEqual([])
    expect(readFileSync(meshdeckKubeconfig, 'utf8')).not.toContain('kind-e2e-form')
  })

  it('mesh sandbox on kind: pods of the demo image, served by Meshdeck, traffic in the topology; delete leaves nothing', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'cluster', 'sandbox', 'e2e', '--provider', 'kind', '-o', 'json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    try {
      const line = await waitFor('the sandbox to be live', () => {
        if (child.exitCode !== null) throw new Error(`sandbox exited ${child.exitCode}:\n${stdout}\n${stderr}`)
        return stdout.split('\n').find((l) => l.includes('"topologyUrl"'))
      }, 840_000, 1_000)
      const { operation, topologyUrl } = JSON.parse(line) as { operation: LocalClusterOperation; topologyUrl: string }
      expect(operation.state).toBe('succeeded')
      const url = new URL(topologyUrl)
      const api = async (method: string): Promise<unknown> => {
        const res = await fetch(`${url.origin}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${url.searchParams.get('token') ?? ''}` }, body: '{}' })
        return ((await res.json()) as { result: unknown }).result
      }
      const status = (await api('controlPlane.status')) as { address: string; configSource: { kind: string; name: string } }
      expect(status.configSource).toMatchObject({ kind: 'cluster', name: 'kind-e2e' })
      expect(status.address).not.toMatch(/^127\./)
      await waitFor(
        'traffic from frontend to every reviews version',
        async () => {
          const graph = (await api('topology.get')) as { edges: { target: string; stats: { rps: number } }[] }
          const live = graph.edges.filter((e) => e.stats.rps > 0).map((e) => e.target)
          return ['v1', 'v2', 'v3'].every((v) => live.some((t) => t.includes('reviews') && t.includes(v)))
        },
        120_000,
        1_000,
      )
      const pods = execFileSync('kubectl', ['--kubeconfig', meshdeckKubeconfig, '--context', 'kind-e2e', '-n', 'demo', 'get', 'pods', '-o', 'jsonpath={.items[*].status.phase}'], { encoding: 'utf8' })
      expect(pods.split(' ').filter(Boolean)).toEqual(Array(7).fill('Running'))
    } finally {
      child.kill('SIGINT')
      await exited
    }
    const deleted = await cli('delete', 'e2e', '-o', 'json')
    expect((JSON.parse(deleted.stdout) as LocalClusterOperation).state).toBe('succeeded')
    expect(kindNodes('e2e')).toEqual([])
    expect(execFileSync('kind', ['get', 'clusters'], { encoding: 'utf8' }).trim()).toBe('')
    expect(readFileSync(meshdeckKubeconfig, 'utf8')).not.toContain('kind-e2e')
  })
})
