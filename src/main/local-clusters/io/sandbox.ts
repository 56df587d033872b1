import { promises as fs } from 'node:fs'
import { LocalClusterErrorCode, MeshdeckError, type DemoWorkload, type LocalClusterProvider } from '@shared/contract'
import type { KubeClient } from '../../cluster/io'
import { certificateEntries } from '../kubeconfig-entries'
import { contextNameFor } from '../names'
import type { Operation } from '../operation'
import { processSandboxObjects, sandboxIstioObjects, sandboxNamespace, type PlacedWorkload } from '../sandbox-objects'
import { applyObject, endpointSliceVersion, installIstioCrds } from './kube-apply'
import { runKindSandbox } from './kind-sandbox'
import type { LocalClustersService } from './local-clusters-service'
import { findResource } from './resources'

export interface SandboxContext {
  provider: LocalClusterProvider
  name: string
  nodeImage?: string
  service: LocalClustersService
  startDemo?: () => Promise<DemoWorkload[]>
  invoke: (method: string, params: Record<string, unknown>) => Promise<unknown>
  client: (context: string) => Promise<KubeClient>
}

/** The demo's Istio files that go into the cluster (its ServiceEntries are replaced by Services). */
const istioFiles = ['demo/mesh/demo-reviews-routing.yaml', 'demo/mesh/demo-peer-authentication.yaml']
/** How long the last step waits for the first load report that proves traffic flows. */
const trafficTimeoutMs = 60_000

export function sandboxSteps(provider: LocalClusterProvider): { id: string; title: string }[] {
  const cluster =
    provider === 'processes'
      ? [
          { id: 'binaries', title: 'Find etcd and kube-apiserver' },
          { id: 'pki', title: 'Make certificates (CA, API server, admin)' },
          { id: 'etcd', title: 'Start etcd' },
          { id: 'kube-apiserver', title: 'Start kube-apiserver and wait until ready' },
          { id: 'controllers', title: 'Start kube-controller-manager and kube-scheduler' },
        ]
      : [{ id: 'cluster', title: 'Create the kind cluster (kind create cluster)' }]
  return [
    ...cluster,
    { id: 'kubeconfig', title: 'Add its context to Meshdeck’s kubeconfig' },
    { id: 'connect', title: 'Connect Meshdeck' },
    { id: 'crds', title: 'Install the Istio mesh CRDs' },
    ...(provider === 'kind' ? [{ id: 'image', title: 'Build the demo workload image and kind load it' }] : []),
    { id: 'demo', title: provider === 'processes' ? 'Start the demo mesh’s workloads (local processes)' : 'Deploy the demo mesh’s workloads (pods)' },
    { id: 'register', title: provider === 'processes' ? 'Register them as Services, Pods and EndpointSlices; add routes and policy' : 'Add routes and policy' },
    { id: 'serve', title: 'Serve the cluster from Meshdeck’s control plane' },
    { id: 'traffic', title: 'Wait for traffic' },
  ]
}

/**
 * The one-click mesh sandbox. Every step looks at what is there before it acts, so a second run
 * resumes after a failure and a run on a finished sandbox changes nothing.
 */
export async function runSandbox(op: Operation, ctx: SandboxContext): Promise<void> {
  if (ctx.provider === 'kind') return runKindSandbox(op, ctx)
  const context = contextNameFor('processes', ctx.name)
  await ensureProcessesCluster(op, ctx)
  op.setContext(context)
  const client = await ctx.client(context)

  await installCrdsStep(op, client)

  const workloads = await op.runStep('demo', async () => {
    if (!ctx.startDemo) throw new MeshdeckError(LocalClusterErrorCode.sandboxFailed, 'This Meshdeck cannot run the demo mesh’s workloads.', 'Use the desktop app or `meshdeck serve`.')
    return ctx.startDemo()
  })

  await op.runStep('register', async () => {
    const placed: PlacedWorkload[] = workloads
      .filter((w): w is DemoWorkload & { port: number } => w.port !== null)
      .map((w) => ({ name: w.name, role: w.service, version: w.version, port: w.port, pid: w.pid }))
    const version = await endpointSliceVersion(client)
    for (const obj of processSandboxObjects(placed, version)) {
      op.checkCancelled()
      await applyObject(client, obj)
    }
    await registerIstioObjects(client, op)
    // A process from an earlier run whose workload is gone would leave a slice pointing nowhere.
    await removeStaleSlices(client, version, new Set(placed.map((w) => w.name)))
  })

  await serveAndWaitForTraffic(op, ctx, context)
}

export async function installCrdsStep(op: Operation, client: KubeClient): Promise<void> {
  await op.runStep('crds', async (skip) => {
    const created = await installIstioCrds(client, op.signal)
    if (created === 0) skip('already installed')
  })
}

export async function registerIstioObjects(client: KubeClient, op: Operation): Promise<void> {
  for (const obj of sandboxIstioObjects(await Promise.all(istioFiles.map((f) => fs.readFile(findResource(f), 'utf8'))))) {
    op.checkCancelled()
    await applyObject(client, obj)
  }
}

/** Switches Meshdeck's control plane to the cluster, then waits for the load reports that prove traffic. */
export async function serveAndWaitForTraffic(op: Operation, ctx: SandboxContext, context: string): Promise<void> {
  await op.runStep('serve', async (skip) => {
    const status = (await ctx.invoke('controlPlane.status', {})) as { state: string; configSource: { kind: string; name: string } | null }
    if (status.configSource?.kind === 'cluster' && status.configSource.name === context) return skip(`already serving ${context}`)
    await ctx.invoke('controlPlane.useSource', { config: 'cluster', context })
  })

  await op.runStep('traffic', async () => {
    const deadline = Date.now() + trafficTimeoutMs
    for (;;) {
      op.checkCancelled()
      const stats = (await ctx.invoke('controlPlane.loadStats', {})) as { host: string; requestRate: number }[]
      if (stats.some((s) => s.host.endsWith(`.${sandboxNamespace}.svc.cluster.local`) && s.requestRate > 0)) return
      if (Date.now() > deadline) {
        throw new MeshdeckError(LocalClusterErrorCode.sandboxFailed, `No load reports for the demo's services after ${trafficTimeoutMs / 1000} s.`, 'Open the Control plane page: every demo workload should be SYNCED; a NACK there names the cause.')
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  })
}

/** Creates the Docker-free cluster, starts it if stopped, or marks its steps done when it runs. */
async function ensureProcessesCluster(op: Operation, ctx: SandboxContext): Promise<void> {
  const { service, name } = ctx
  if (!(await service.processes.exists(name))) {
    await service.createProcesses(op, name, 'meshdeck')
    return
  }
  for (const id of ['binaries', 'pki']) op.endStep(id, 'skipped', 'the cluster exists')
  await service.processes.start(name, op)
  const known = await service.kubeconfig.contextOf('processes', name)
  await op.runStep('kubeconfig', async (skip) => {
    if (known) return skip('listed already')
    const record = await service.processes.read(name)
    const pki = service.processes.pki(name)
    await service.kubeconfig.add('processes', name, certificateEntries({ context: contextNameFor('processes', name), server: `https://127.0.0.1:${record.ports.apiserver}`, caFile: pki.caCert, certFile: pki.adminCert, keyFile: pki.adminKey }))
  })
  await op.runStep('connect', () => service.connect(contextNameFor('processes', name)))
}

async function removeStaleSlices(client: KubeClient, version: string, current: Set<string>): Promise<void> {
  const list = await client.json<{ items?: { metadata: { name: string } }[] }>(
    'GET',
    `/apis/discovery.k8s.io/${version}/namespaces/${sandboxNamespace}/endpointslices?labelSelector=${encodeURIComponent('app.kubernetes.io/managed-by=meshdeck-sandbox')}`,
  )
  for (const item of list.items ?? []) {
    if (current.has(item.metadata.name)) continue
    await client.json('DELETE', `/apis/discovery.k8s.io/${version}/namespaces/${sandboxNamespace}/endpointslices/${item.metadata.name}`).catch(() => undefined)
    await client.json('DELETE', `/api/v1/namespaces/${sandboxNamespace}/pods/${item.metadata.name}`).catch(() => undefined)
  }
}
