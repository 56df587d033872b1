import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { generatePki, issueClientCert, randomToken, type ClusterPki } from './certs'
import { freePort } from './ports'
import { startProcess, type ManagedProcess } from './processes'
import { kubeconfigYaml, type KubeconfigUser } from './kubeconfig-writer'

/** Where scripts/build-test-apiserver.sh leaves its build (KUBEBUILDER_ASSETS overrides it). */
export const defaultAssetsDir = join(process.env.MESHDECK_KUBE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'meshdeck', 'kube-1.20'), 'assets')

export interface TestClusterOptions {
  /** Folder for certs, etcd data, logs and the kubeconfig; a temp folder when omitted. */
  dir?: string
  /** kube-controller-manager + kube-scheduler too (Deployments become pods, pods get nodes). */
  controllers?: boolean
  /** Keep processes alive after this process exits (npm run cluster:up). */
  detached?: boolean
  /** More kube-apiserver flags, e.g. `--runtime-config=discovery.k8s.io/v1beta1=false` to play an older server. */
  apiserverArgs?: string[]
}

/** Users every test cluster knows. `limited` has no rights until a test binds a Role to it. */
export interface TestClusterUsers {
  admin: { cert: string; key: string }
  adminToken: string
  limitedToken: string
}

export interface TestClusterState {
  dir: string
  server: string
  kubeconfigPath: string
  pids: Record<string, number>
}

/**
 * A real Kubernetes control plane (etcd + kube-apiserver, optionally controller-manager and
 * scheduler) on loopback with per-run certificates. Not a mock: the binaries are Kubernetes v1.20.
 */
export class TestCluster {
  private readonly processes = new Map<string, ManagedProcess>()
  private constructor(
    readonly dir: string,
    readonly server: string,
    readonly kubeconfigPath: string,
    readonly pki: ClusterPki,
    readonly users: TestClusterUsers,
    private readonly apiserverPort: number,
    private readonly etcdUrl: string,
    private readonly assets: string,
    private readonly options: TestClusterOptions,
    private readonly ownsDir: boolean,
  ) {}

  static async start(options: TestClusterOptions = {}): Promise<TestCluster> {
    const assets = process.env.KUBEBUILDER_ASSETS ?? defaultAssetsDir
    for (const bin of ['etcd', 'kube-apiserver']) {
      if (!existsSync(join(assets, bin))) throw new Error(`${bin} not found in ${assets}; run "bash scripts/build-test-apiserver.sh" or set KUBEBUILDER_ASSETS`)
    }
    const ownsDir = options.dir === undefined
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'meshdeck-kube-'))
    mkdirSync(join(dir, 'pki'), { recursive: true })
    const pki = generatePki(join(dir, 'pki'))
    const users: TestClusterUsers = {
      admin: issueClientCert(join(dir, 'pki'), 'admin', 'meshdeck-admin', ['system:masters']),
      adminToken: randomToken(),
      limitedToken: randomToken(),
    }
    writeFileSync(
      join(dir, 'pki', 'tokens.csv'),
      `${users.adminToken},token-admin,1001,"system:masters"\n${users.limitedToken},limited,1002\n`,
      { mode: 0o600 },
    )
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()]
    const server = `https://127.0.0.1:${apiPort}`
    const kubeconfigPath = join(dir, 'kubeconfig')
    const cluster = new TestCluster(dir, server, kubeconfigPath, pki, users, apiPort, `http://127.0.0.1:${etcdPort}`, assets, options, ownsDir)
    try {
      cluster.startEtcd(peerPort)
      cluster.startApiserver()
      await cluster.waitReady(60_000)
      writeFileSync(kubeconfigPath, cluster.kubeconfig([
        { name: 'admin', clientCertificate: users.admin.cert, clientKey: users.admin.key },
        { name: 'token-admin', token: users.adminToken },
        { name: 'limited', token: users.limitedToken },
      ]), { mode: 0o600 })
      if (options.controllers) cluster.startControllers()
      return cluster
    } catch (err) {
      await cluster.stop()
      throw err
    }
  }

  /** A kubeconfig with one context per user (context name = user name), current-context = first. */
  kubeconfig(users: KubeconfigUser[]): string {
    return kubeconfigYaml({ clusterName: 'meshdeck-test', server: this.server, caFile: this.pki.caCert, users })
  }

  state(): TestClusterState {
    const pids: Record<string, number> = {}
    for (const [name, p] of this.processes) pids[name] = p.pid
    return { dir: this.dir, server: this.server, kubeconfigPath: this.kubeconfigPath, pids }
  }

  private startEtcd(peerPort: number): void {
    const data = join(this.dir, 'etcd')
    const peer = `http://127.0.0.1:${peerPort}`
    this.launch('etcd', join(this.assets, 'etcd'), [
      `--data-dir=${data}`,
      `--listen-client-urls=${this.etcdUrl}`,
      `--advertise-client-urls=${this.etcdUrl}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=default=${peer}`,
      '--name=default',
    ])
  }

  private startApiserver(): void {
    this.launch('kube-apiserver', join(this.assets, 'kube-apiserver'), [
      `--etcd-servers=${this.etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${this.apiserverPort}`,
      '--insecure-port=0',
      `--cert-dir=${join(this.dir, 'pki')}`,
      `--tls-cert-file=${this.pki.servingCert}`,
      `--tls-private-key-file=${this.pki.servingKey}`,
      `--client-ca-file=${this.pki.caCert}`,
      `--token-auth-file=${join(this.dir, 'pki', 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${this.pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${this.pki.serviceAccountKey}`,
      // No kubelet mints tokens here, so pods must not require a mounted service-account token; and
      // with nodelifecycle off nobody would lift the not-ready taint that admission puts on new nodes.
      '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
      '--allow-privileged=true',
      '--watch-cache=true',
      ...(this.options.apiserverArgs ?? []),
    ])
  }

  private startControllers(): void {
    const kc = join(this.dir, 'controllers.kubeconfig')
    writeFileSync(kc, this.kubeconfig([{ name: 'admin', clientCertificate: this.users.admin.cert, clientKey: this.users.admin.key }]), { mode: 0o600 })
    this.launch('kube-controller-manager', join(this.assets, 'kube-controller-manager'), [
      `--kubeconfig=${kc}`,
      '--leader-elect=false',
      '--port=0',
      '--secure-port=0',
      `--service-account-private-key-file=${this.pki.serviceAccountKey}`,
      `--root-ca-file=${this.pki.caCert}`,
      // Without kubelets every node would turn NotReady and get tainted; the fake kubelet owns node health.
      '--controllers=*,-nodelifecycle,-serviceaccount-token,-tokencleaner,-bootstrapsigner',
    ])
    this.launch('kube-scheduler', join(this.assets, 'kube-scheduler'), [`--kubeconfig=${kc}`, '--leader-elect=false', '--port=0', '--secure-port=0'])
  }

  private launch(name: string, binary: string, args: string[]): void {
    this.processes.set(name, startProcess(name, binary, args, this.dir, this.options.detached))
  }

  /** Polls /readyz (anonymous may read it) until the apiserver answers 200. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let last = ''
    while (Date.now() < deadline) {
      if (this.processes.get('kube-apiserver')?.exited()) break
      last = await this.probe('/readyz').catch((err: Error) => err.message)
      if (last === '200') return
      await new Promise((r) => setTimeout(r, 250))
    }
    const log = readLogTail(join(this.dir, 'kube-apiserver.log'))
    throw new Error(`kube-apiserver not ready (${last}); log tail:\n${log}`)
  }

  private probe(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.server}${path}`, { ca: readFileSync(this.pki.caCert), timeout: 2_000 }, (res) => {
        res.resume()
        resolve(String(res.statusCode))
      })
      req.on('error', reject)
      req.on('timeout', () => req.destroy(new Error('timeout')))
      req.end()
    })
  }

  /** Stops only the apiserver (etcd keeps the data), e.g. to test that watches recover. */
  async stopApiserver(): Promise<void> {
    await this.processes.get('kube-apiserver')?.stop()
  }

  async startApiserverAgain(): Promise<void> {
    this.startApiserver()
    await this.waitReady(60_000)
  }

  async stop(): Promise<void> {
    for (const name of ['kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd']) {
      await this.processes.get(name)?.stop()
    }
    this.processes.clear()
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true })
  }
}

function readLogTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-15).join('\n')
  } catch {
    return '(no log)'
  }
}
