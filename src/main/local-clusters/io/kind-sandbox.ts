import { LocalClusterErrorCode, MeshdeckError } from '@shared/contract'
import type { KubeClient } from '../../cluster/io'
import { demoWorkloads, renderDemoBootstrap } from '../../demo'
import { kindApiVersion } from '../kind-config'
import type { ClusterEntries } from '../kubeconfig-entries'
import { contextNameFor } from '../names'
import type { Operation } from '../operation'
import { kindSandboxObjects, sandboxLabel, sandboxNamespace } from '../sandbox-objects'
import { buildDemoImage, kindNetworkGateway } from './demo-image'
import { applyObject } from './kube-apply'
import { installCrdsStep, registerIstioObjects, serveAndWaitForTraffic, type SandboxContext } from './sandbox'

const rolloutTimeoutMs = 180_000

/**
 * The mesh sandbox on kind: the demo's workloads run as pods of an image built from the project's
 * demo workload and loaded with `kind load`; their bootstraps name Meshdeck's control plane at an
 * address the kind network reaches (the network's gateway, where Meshdeck must listen: start it
 * with --xds-host). Every step checks first, as on the Docker-free cluster.
 */
export async function runKindSandbox(op: Operation, ctx: SandboxContext): Promise<void> {
  const { service, name } = ctx
  const context = contextNameFor('kind', name)
  let entries: ClusterEntries | null = null
  await op.runStep('cluster', async (skip) => {
    const existing = (await service.kind.list({ contextOf: () => null, busy: () => null })).clusters.find((c) => c.name === name)
    if (existing) {
      if (existing.state !== 'running') {
        throw new MeshdeckError(LocalClusterErrorCode.clusterNotRunning, `kind cluster "${name}" is ${existing.state}.`, `Start its node containers (docker start ${existing.nodes.map((n) => n.name).join(' ')}) and run the sandbox again.`)
      }
      return skip('it exists')
    }
    const preflight = await service.kind.preflight()
    const failed = preflight.checks.find((c) => c.status === 'fail')
    if (failed) throw new MeshdeckError(LocalClusterErrorCode.kindFailed, failed.detail, failed.fix)
    entries = await service.kind.create({ kind: 'Cluster', apiVersion: kindApiVersion, name, nodes: [{ role: 'control-plane', ...(ctx.nodeImage ? { image: ctx.nodeImage } : {}) }] }, false, op)
  })
  await op.runStep('kubeconfig', async (skip) => {
    if (await service.kubeconfig.contextOf('kind', name)) return skip('listed already')
    await service.kubeconfig.add('kind', name, entries ?? (await service.kind.kubeconfigEntries(name)))
  })
  op.setContext(context)
  await op.runStep('connect', () => service.connect(context))
  const client = await ctx.client(context)
  await installCrdsStep(op, client)

  const { client: engine, problem } = await service.kind.engine()
  if (!engine) throw new MeshdeckError(problem?.code ?? LocalClusterErrorCode.engineNotFound, problem?.message ?? 'The kind sandbox needs the Engine API (docker or podman) to build its image.', problem?.hint)
  const image = await op.runStep('image', async () => {
    const tag = await buildDemoImage(engine.docker, (line) => op.log(line))
    await service.kind.loadImage(name, { image: tag }, op)
    return tag
  })

  await op.runStep('demo', async () => {
    const address = await reachableControlPlane(ctx, await kindNetworkGateway(engine.docker))
    const bootstraps = Object.fromEntries(demoWorkloads.map((w) => [w.name, renderDemoBootstrap(address, w)]))
    for (const obj of kindSandboxObjects({ image, workloads: demoWorkloads, bootstraps, rps: 5 })) {
      op.checkCancelled()
      await applyObject(client, obj)
    }
    await waitForDeployments(client, op)
  })
  await op.runStep('register', () => registerIstioObjects(client, op))
  await serveAndWaitForTraffic(op, ctx, context)
}

/** The control plane's address as pods see it; refused when Meshdeck listens on loopback only. */
async function reachableControlPlane(ctx: SandboxContext, gateway: string | null): Promise<string> {
  const status = (await ctx.invoke('controlPlane.status', {})) as { state: string; address: string | null }
  if (status.state !== 'running' || !status.address) {
    throw new MeshdeckError(LocalClusterErrorCode.sandboxFailed, 'Meshdeck’s control plane is not running, so the sandbox has nothing to serve it.', 'Start Meshdeck with a mesh folder, e.g. `meshdeck cluster sandbox NAME --provider kind`.')
  }
  const port = status.address.slice(status.address.lastIndexOf(':') + 1)
  const host = status.address.slice(0, status.address.lastIndexOf(':'))
  if (host.startsWith('127.') || host === 'localhost' || host === '[::1]') {
    throw new MeshdeckError(
      LocalClusterErrorCode.sandboxFailed,
      `Meshdeck’s control plane listens on ${status.address}, which pods in kind cannot reach.`,
      `Start Meshdeck with --xds-host ${gateway ?? '<the kind network gateway>'} (the kind network's gateway), or use \`meshdeck cluster sandbox NAME --provider kind\`, which does that.`,
    )
  }
  if (host === '0.0.0.0' || host === '[::]') {
    if (!gateway) throw new MeshdeckError(LocalClusterErrorCode.sandboxFailed, 'The kind network has no IPv4 gateway to reach Meshdeck at.', 'Check `docker network inspect kind`.')
    return `${gateway}:${port}`
  }
  return status.address
}

async function waitForDeployments(client: KubeClient, op: Operation): Promise<void> {
  const deadline = Date.now() + rolloutTimeoutMs
  const selector = encodeURIComponent(Object.entries(sandboxLabel).map(([k, v]) => `${k}=${v}`).join(','))
  for (;;) {
    op.checkCancelled()
    const list = await client.json<{ items?: { metadata: { name: string }; status?: { availableReplicas?: number } }[] }>('GET', `/apis/apps/v1/namespaces/${sandboxNamespace}/deployments?labelSelector=${selector}`)
    const waiting = (list.items ?? []).filter((d) => (d.status?.availableReplicas ?? 0) < 1).map((d) => d.metadata.name)
    if (waiting.length === 0 && (list.items ?? []).length > 0) return
    if (Date.now() > deadline) {
      throw new MeshdeckError(LocalClusterErrorCode.sandboxFailed, `The demo's pods did not become available in ${rolloutTimeoutMs / 1000} s: ${waiting.join(', ')}.`, `See why with: kubectl --context ${op.cluster ? `kind-${op.cluster}` : ''} -n ${sandboxNamespace} describe pods`)
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000))
  }
}
