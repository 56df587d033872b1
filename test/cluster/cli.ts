/**
 * npm run cluster:up   — starts a real test cluster (etcd, kube-apiserver, controller-manager,
 *                        scheduler, a fake kubelet) for manual use and prints the kubeconfig path.
 * npm run cluster:down — stops it and removes its folder.
 * State lives in MESHDECK_TEST_CLUSTER_DIR (default /tmp/meshdeck-test-cluster).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { adminKubeConfig, createNodes, FakeKubelet } from './kube-objects'
import { stopPid } from './processes'
import { TestCluster, type TestClusterState } from './test-cluster'

const dir = process.env.MESHDECK_TEST_CLUSTER_DIR ?? '/tmp/meshdeck-test-cluster'
const stateFile = join(dir, 'state.json')

async function up(): Promise<void> {
  if (existsSync(stateFile)) {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as TestClusterState
    console.log(`already running; kubeconfig: ${state.kubeconfigPath}\n(npm run cluster:down to stop it)`)
    return
  }
  mkdirSync(dir, { recursive: true })
  const cluster = await TestCluster.start({ dir, controllers: true, detached: true })
  await createNodes(adminKubeConfig(cluster), ['node-1', 'node-2'], {})
  const log = openSync(join(dir, 'kubelet.log'), 'a')
  const kubelet = spawn(process.execPath, [...process.execArgv, __filename, 'kubelet', cluster.kubeconfigPath], { detached: true, stdio: ['ignore', log, log] })
  kubelet.unref()
  const state = cluster.state()
  if (kubelet.pid !== undefined) state.pids['fake-kubelet'] = kubelet.pid
  writeFileSync(stateFile, JSON.stringify(state, null, 2))
  console.log(`test cluster up at ${state.server}\nkubeconfig: ${state.kubeconfigPath}\ncontexts: admin (client cert), token-admin (token), limited (token, no RBAC rights)\nstop with: npm run cluster:down`)
}

async function down(): Promise<void> {
  if (!existsSync(stateFile)) {
    console.log(`no test cluster state in ${dir}; nothing to stop`)
    return
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as TestClusterState
  for (const name of ['fake-kubelet', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd']) {
    const pid = state.pids[name]
    if (pid !== undefined) await stopPid(pid)
  }
  rmSync(dir, { recursive: true, force: true })
  console.log('test cluster stopped')
}

async function kubelet(kubeconfigPath: string): Promise<void> {
  const fake = new FakeKubelet(adminKubeConfig({ kubeconfigPath }))
  process.on('SIGTERM', () => {
    fake.stop()
    process.exit(0)
  })
  await fake.start()
}

const command = process.argv[2]
const run = command === 'up' ? up() : command === 'down' ? down() : command === 'kubelet' ? kubelet(process.argv[3] ?? '') : Promise.reject(new Error('usage: cli.ts up|down'))
run.catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
