import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, promises as fs, readFileSync, renameSync, statSync } from 'node:fs'
import { get as httpGet } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { LocalClusterErrorCode, MeshdeckError, type LocalCluster } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import type { Operation } from '../operation'
import { componentCommands, componentNames, type ComponentName, type ProcessClusterLayout, type ProcessClusterPorts } from '../process-cluster-plan'
import { availableComponents, binaryPath, apiserverVersion, findBinaries } from './binaries'
import { freeLoopbackPort, isLoopbackPortFree } from './ports'
import { createPki, issueLeafCertificates, pkiFiles, type ProcessClusterPki } from './pki'

/** What a Docker-free cluster keeps in `<root>/<name>/cluster.json`. */
export interface ProcessClusterRecord {
  name: string
  createdAt: string
  binariesDir: string
  kubernetesVersion: string
  ports: ProcessClusterPorts
  /** The components this cluster runs (controller-manager and scheduler only when their binaries exist). */
  components: ComponentName[]
  /** Process ids of the last start; a pid counts only while its command line still names this cluster's folder. */
  pids: Partial<Record<ComponentName, number>>
}

export interface ProcessClusterStatus {
  record: ProcessClusterRecord
  running: Partial<Record<ComponentName, number>>
}

const stopGraceMs = 5_000
const readyTimeoutMs = 90_000
/** A component log past this size is moved to .1 when the component starts again. */
const logRotateBytes = 5 * 1024 * 1024

/**
 * Docker-free clusters: etcd, kube-apiserver, kube-controller-manager and kube-scheduler started by
 * Meshdeck on loopback from binaries already on the machine, one folder per cluster (PKI, etcd data,
 * logs). The processes run in their own process group, so like kind's containers they outlive the
 * Meshdeck (or `meshdeck cluster create`) that started them; any Meshdeck finds them by pid and
 * command line. Stop keeps the data; delete removes the folder.
 */
export class ProcessClusters {
  constructor(
    readonly root: string,
    private readonly onExit: () => void = () => undefined,
  ) {}

  dir(name: string): string {
    return join(this.root, name)
  }

  pki(name: string): ProcessClusterPki {
    return pkiFiles(join(this.dir(name), 'pki'))
  }

  async records(): Promise<ProcessClusterRecord[]> {
    let names: string[]
    try {
      names = await fs.readdir(this.root)
    } catch {
      return []
    }
    const out: ProcessClusterRecord[] = []
    for (const name of names.sort()) {
      const record = await this.read(name).catch(() => null)
      if (record) out.push(record)
    }
    return out
  }

  async read(name: string): Promise<ProcessClusterRecord> {
    const text = await fs.readFile(join(this.dir(name), 'cluster.json'), 'utf8').catch(() => {
      throw new MeshdeckError(LocalClusterErrorCode.clusterNotFound, `There is no Docker-free cluster named "${name}".`, 'Refresh the list; it may have been deleted.')
    })
    return JSON.parse(text) as ProcessClusterRecord
  }

  async exists(name: string): Promise<boolean> {
    return existsSync(join(this.dir(name), 'cluster.json'))
  }

  /** Which of the record's components run now (pid alive and still this cluster's process). */
  status(record: ProcessClusterRecord): ProcessClusterStatus {
    const running: Partial<Record<ComponentName, number>> = {}
    for (const [component, pid] of Object.entries(record.pids) as [ComponentName, number][]) {
      if (pid && this.isOurs(record.name, pid)) running[component] = pid
    }
    return { record, running }
  }

  describe(status: ProcessClusterStatus, context: { context: string; kubeconfig: 'meshdeck' | 'merged' } | null, busy: 'creating' | 'deleting' | null): LocalCluster {
    const { record, running } = status
    const up = record.components.filter((c) => running[c] !== undefined).length
    return {
      name: record.name,
      provider: 'processes',
      state: busy ?? (up === record.components.length ? 'running' : up === 0 ? 'stopped' : 'partial'),
      context: context?.context ?? null,
      kubeconfig: context?.kubeconfig ?? 'none',
      server: `https://127.0.0.1:${record.ports.apiserver}`,
      nodes: [],
      components: componentNames.filter((c) => record.components.includes(c)).map((c) => ({ name: c, state: running[c] !== undefined ? 'running' : 'stopped', pid: running[c] ?? null })),
      runsPods: false,
      kubernetesVersion: record.kubernetesVersion,
      createdAt: record.createdAt,
    }
  }

  /**
   * Creates and starts a cluster. On failure or cancel everything it made (processes, folder) is
   * removed again, so a half-created cluster never stays behind.
   */
  async create(name: string, configuredBinaries: string | null, op: Operation): Promise<ProcessClusterRecord> {
    const dir = this.dir(name)
    let made = false
    try {
      const binaries = await op.runStep('binaries', async () => {
        if (await this.exists(name)) throw new MeshdeckError(LocalClusterErrorCode.clusterExists, `A Docker-free cluster named "${name}" already exists.`, 'Pick another name, or delete that cluster first.')
        const found = findBinaries(configuredBinaries)
        if (!found.dir) {
          throw new MeshdeckError(
            LocalClusterErrorCode.binariesNotFound,
            `No folder with etcd and kube-apiserver was found (looked at ${found.searched.map((s) => s.dir).join(', ')}).`,
            'Set KUBEBUILDER_ASSETS or the binaries folder in Settings (`setup-envtest use` downloads them), or run scripts/build-test-apiserver.sh.',
          )
        }
        const versionText = await apiserverVersion(found.dir)
        const version = /Kubernetes (v\d+\.\d+\.\d+\S*)/.exec(versionText)?.[1]
        if (!version) throw new MeshdeckError(LocalClusterErrorCode.binariesNotFound, `${binaryPath(found.dir, 'kube-apiserver')} --version answered: ${versionText}`, 'Check that the binaries are built for this machine.')
        return { dir: found.dir, version }
      })
      const record = await op.runStep('pki', async () => {
        made = true
        await fs.mkdir(join(dir, 'logs'), { recursive: true, mode: 0o700 })
        await createPki(join(dir, 'pki'), name)
        const record: ProcessClusterRecord = {
          name,
          createdAt: new Date().toISOString(),
          binariesDir: binaries.dir,
          kubernetesVersion: binaries.version,
          ports: { etcdClient: await freeLoopbackPort(), etcdPeer: await freeLoopbackPort(), apiserver: await freeLoopbackPort() },
          components: componentNames.filter((c) => availableComponents(binaries.dir).has(c)),
          pids: {},
        }
        await this.write(record)
        await this.writeControllersKubeconfig(record)
        return record
      })
      await this.launch(record, op)
      return await this.read(name)
    } catch (err) {
      if (made) {
        await this.stopAll(await this.read(name).catch(() => null), 0)
        await fs.rm(dir, { recursive: true, force: true })
      }
      throw err
    }
  }

  /** Starts a stopped cluster on its own ports, with its data; leaf certificates are issued afresh. */
  async start(name: string, op: Operation): Promise<void> {
    const record = await this.read(name)
    const status = this.status(record)
    if (Object.keys(status.running).length === record.components.length) {
      for (const step of ['etcd', 'kube-apiserver', 'controllers']) op.endStep(step, 'skipped', 'already running')
      return
    }
    await issueLeafCertificates(this.pki(name))
    await this.launch(record, op)
  }

  private async launch(record: ProcessClusterRecord, op: Operation): Promise<void> {
    const current = this.status(record).running
    if (!(await isLoopbackPortFree(record.ports.apiserver)) && current['kube-apiserver'] === undefined) {
      throw new MeshdeckError(LocalClusterErrorCode.portInUse, `Port ${record.ports.apiserver} on 127.0.0.1, where cluster "${record.name}" serves its API, is taken by another program.`, 'Stop that program, then start the cluster again (its kubeconfig names this port).')
    }
    // etcd's ports are private to the cluster: take new ones when the old are gone.
    if (current.etcd === undefined && (!(await isLoopbackPortFree(record.ports.etcdClient)) || !(await isLoopbackPortFree(record.ports.etcdPeer)))) {
      record.ports = { ...record.ports, etcdClient: await freeLoopbackPort(), etcdPeer: await freeLoopbackPort() }
      await this.write(record)
    }
    const minor = Number(/^v\d+\.(\d+)/.exec(record.kubernetesVersion)?.[1] ?? '0')
    const commands = componentCommands(this.layout(record, minor), new Set(record.components))
    const command = (name: ComponentName): string[] => commands.find((c) => c.name === name)?.args ?? []
    const startOne = async (component: ComponentName): Promise<void> => {
      if (current[component] !== undefined) return
      record.pids[component] = this.spawnComponent(record, component, command(component))
      await this.write(record)
    }
    await op.runStep('etcd', async () => {
      await startOne('etcd')
      await this.waitFor(record, 'etcd', () => probeEtcd(record.ports.etcdClient), op)
    })
    await op.runStep('kube-apiserver', async () => {
      await startOne('kube-apiserver')
      await this.waitFor(record, 'kube-apiserver', () => probeApiserver(record.ports.apiserver, this.pki(record.name).caCert), op)
    })
    await op.runStep('controllers', async (skip) => {
      const optional = (['kube-controller-manager', 'kube-scheduler'] as const).filter((c) => record.components.includes(c))
      if (optional.length === 0) return skip(`no kube-controller-manager or kube-scheduler in ${record.binariesDir}: the API works, controllers (namespace deletion, garbage collection) do not run`)
      for (const component of optional) await startOne(component)
    })
  }

  private spawnComponent(record: ProcessClusterRecord, component: ComponentName, args: string[]): number {
    const logPath = join(this.dir(record.name), 'logs', `${component}.log`)
    try {
      if (statSync(logPath).size > logRotateBytes) renameSync(logPath, `${logPath}.1`)
    } catch {
      // no log yet
    }
    const log = openSync(logPath, 'a')
    // Own process group (detached): the cluster outlives the Meshdeck that started it, as kind's containers do.
    const child = spawn(binaryPath(record.binariesDir, component), args, { stdio: ['ignore', log, log], detached: true, cwd: this.dir(record.name) })
    closeSync(log)
    if (child.pid === undefined) throw new MeshdeckError(LocalClusterErrorCode.componentFailed, `${component} could not be started from ${record.binariesDir}.`, 'Check that the binary is executable.')
    child.once('exit', () => this.onExit())
    child.unref()
    return child.pid
  }

  private async waitFor(record: ProcessClusterRecord, component: ComponentName, probe: () => Promise<boolean>, op: Operation): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs
    while (Date.now() < deadline) {
      op.checkCancelled()
      const pid = record.pids[component]
      if (!pid || !this.isOurs(record.name, pid)) {
        throw new MeshdeckError(LocalClusterErrorCode.componentFailed, `${component} exited while starting: ${this.logTail(record.name, component, 3).join(' | ') || 'no output'}`, `Its log is in ${join(this.dir(record.name), 'logs', `${component}.log`)}.`)
      }
      if (await probe()) return
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new MeshdeckError(LocalClusterErrorCode.componentFailed, `${component} was not ready after ${readyTimeoutMs / 1000} s.`, `Its log is in ${join(this.dir(record.name), 'logs', `${component}.log`)}.`)
  }

  async stop(name: string): Promise<void> {
    await this.stopAll(await this.read(name))
  }

  /** Graceful (SIGTERM, then SIGKILL after a grace) when the data is kept; at once when it is about to be removed. */
  private async stopAll(record: ProcessClusterRecord | null, graceMs = stopGraceMs): Promise<void> {
    if (!record) return
    // Reverse start order: controllers first, etcd last, so the apiserver never loses its store mid-write.
    const controllers = (['kube-scheduler', 'kube-controller-manager'] as const).map((c) => record.pids[c]).filter((pid): pid is number => !!pid && this.isOurs(record.name, pid))
    await Promise.all(controllers.map((pid) => stopPid(pid, graceMs)))
    for (const component of ['kube-apiserver', 'etcd'] as const) {
      const pid = record.pids[component]
      if (pid && this.isOurs(record.name, pid)) await stopPid(pid, graceMs)
    }
    record.pids = {}
    await this.write(record).catch(() => undefined)
  }

  async delete(name: string): Promise<void> {
    const record = await this.read(name)
    await this.stopAll(record, 0)
    await fs.rm(this.dir(name), { recursive: true, force: true })
  }

  deletePlan(record: ProcessClusterRecord): string[] {
    const status = this.status(record)
    const processes = Object.entries(status.running).map(([c, pid]) => `process ${c} (pid ${pid})`)
    return [...processes, `folder ${this.dir(record.name)} (etcd data, certificates, logs)`]
  }

  logTail(name: string, component: ComponentName, tail: number): string[] {
    try {
      const lines = readFileSync(join(this.dir(name), 'logs', `${component}.log`), 'utf8').split('\n')
      if (lines[lines.length - 1] === '') lines.pop()
      return lines.slice(-tail)
    } catch {
      return []
    }
  }

  async exportLogs(name: string, into: string): Promise<string> {
    await this.read(name)
    await fs.mkdir(into, { recursive: true })
    for (const file of await fs.readdir(join(this.dir(name), 'logs'))) await fs.copyFile(join(this.dir(name), 'logs', file), join(into, file))
    return into
  }

  /** The admin kubeconfig the controllers use (the same client certificate as the user's entry). */
  private async writeControllersKubeconfig(record: ProcessClusterRecord): Promise<void> {
    const pki = this.pki(record.name)
    const text = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: `https://127.0.0.1:${record.ports.apiserver}`, 'certificate-authority': pki.caCert } }],
      users: [{ name: 'admin', user: { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'admin' } }],
      'current-context': 'local',
    })
    await writeFileAtomic(join(this.dir(record.name), 'controllers.kubeconfig'), text, 0o600)
  }

  private layout(record: ProcessClusterRecord, kubernetesMinor: number): ProcessClusterLayout {
    const dir = this.dir(record.name)
    const pki = this.pki(record.name)
    return {
      etcdDataDir: join(dir, 'etcd'),
      pkiDir: join(dir, 'pki'),
      caCert: pki.caCert,
      caKey: pki.caKey,
      servingCert: pki.servingCert,
      servingKey: pki.servingKey,
      serviceAccountKey: pki.serviceAccountKey,
      serviceAccountPub: pki.serviceAccountPub,
      controllersKubeconfig: join(dir, 'controllers.kubeconfig'),
      ports: record.ports,
      kubernetesMinor,
    }
  }

  private async write(record: ProcessClusterRecord): Promise<void> {
    await writeFileAtomic(join(this.dir(record.name), 'cluster.json'), `${JSON.stringify(record, null, 2)}\n`)
  }

  /**
   * A pid is this cluster's process only while it is alive and (where /proc exists) its command line
   * names the cluster's folder: after a reboot the number may belong to anything.
   */
  private isOurs(name: string, pid: number): boolean {
    try {
      process.kill(pid, 0)
    } catch {
      return false
    }
    if (!existsSync('/proc/self/cmdline')) return true
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.dir(name))
    } catch {
      return false
    }
  }
}

async function stopPid(pid: number, graceMs: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  try {
    process.kill(pid, graceMs > 0 ? 'SIGTERM' : 'SIGKILL')
  } catch {
    return
  }
  const deadline = Date.now() + graceMs
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  if (alive()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone meanwhile
    }
    for (let i = 0; i < 40 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function probeEtcd(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet({ host: '127.0.0.1', port, path: '/health', timeout: 1_000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
  })
}

function probeApiserver(port: number, caFile: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/readyz', ca: readFileSync(caFile), timeout: 2_000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
    req.on('timeout', () => req.destroy())
    req.end()
  })
}
