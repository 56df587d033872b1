import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { isMap, parseDocument } from 'yaml'
import { CancelledError, MeshdeckError, type LocalCluster, type LocalClusterOperation, type OperationStep } from '@shared/contract'
import { startHttpTransport } from '../main/api/io'
import { createMeshdeck, defaultDataDir, type Meshdeck } from '../main/app'
import { kindNetworkGatewayOfEngine, meshdeckKubeconfigPath } from '../main/local-clusters/io'
import type { ClusterArgs } from './cluster-args'

const mark: Record<OperationStep['state'], string> = { pending: '○', running: '…', done: '✓', skipped: '↷', failed: '✗', cancelled: '⊘' }

function duration(ms: number | null): string {
  if (ms === null) return ''
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** The table `meshdeck cluster list` prints. Pure. */
export function clusterTable(clusters: readonly LocalCluster[]): string {
  if (clusters.length === 0) return 'No local clusters. Create one with `meshdeck cluster create NAME` (Docker-free) or `--provider kind`.\n'
  const rows = clusters.map((c) => [
    c.name,
    c.provider === 'kind' ? 'kind' : 'docker-free (no kubelet)',
    c.state,
    c.kubernetesVersion ?? '-',
    c.server ?? '-',
    c.context ? `${c.context}${c.kubeconfig === 'merged' ? ' (merged)' : ''}` : '-',
    c.provider === 'kind' ? String(c.nodes.length) : `${c.components.filter((x) => x.state === 'running').length}/${c.components.length}`,
  ])
  const header = ['NAME', 'KIND', 'STATE', 'VERSION', 'SERVER', 'CONTEXT', 'NODES/PROCS']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n'
}

/** NAME on the command line wins over the config's `name`, as kind's --name does. */
function withName(configYaml: string, name: string): string {
  const doc = parseDocument(configYaml)
  if (doc.errors.length > 0 || !isMap(doc.contents)) return configYaml
  doc.set('name', name)
  return doc.toString()
}

/** Prints each step once, when it ends (the human view of an operation). */
function stepPrinter(): (op: LocalClusterOperation) => void {
  const printed = new Set<string>()
  return (op) => {
    for (const step of op.steps) {
      if (step.state === 'pending' || step.state === 'running' || printed.has(step.id)) continue
      printed.add(step.id)
      const detail = step.detail ? ` (${step.detail})` : ''
      process.stdout.write(`  ${mark[step.state]} ${step.title}${detail}  ${duration(step.durationMs)}\n`)
    }
  }
}

/** Starts an operation through the API and waits for its end, printing steps as they finish. */
async function follow(meshdeck: Meshdeck, json: boolean, heading: string, start: () => Promise<{ operation: LocalClusterOperation }>): Promise<LocalClusterOperation> {
  const print = stepPrinter()
  let id: string | null = null
  let last: LocalClusterOperation | null = null
  const early: LocalClusterOperation[] = []
  let resolveEnd: (op: LocalClusterOperation) => void = () => undefined
  const ended = new Promise<LocalClusterOperation>((resolve) => (resolveEnd = resolve))
  const onOperation = (op: LocalClusterOperation): void => {
    if (id === null) return void early.push(op)
    if (op.id !== id) return
    last = op
    if (!json) print(op)
    if (op.state !== 'running') resolveEnd(op)
  }
  const subscription = meshdeck.bus.subscribe((name, payload) => {
    if (name === 'localClusters.operation') onOperation(payload as LocalClusterOperation)
  })
  try {
    const { operation } = await start()
    // Said once the request was accepted: a refused one prints only its reason.
    if (!json) process.stdout.write(`${heading}\n`)
    id = operation.id
    for (const op of [...early, operation]) onOperation(op)
    return last && (last as LocalClusterOperation).state !== 'running' ? last : await ended
  } finally {
    subscription.dispose()
  }
}

function failIfFailed(op: LocalClusterOperation): void {
  if (op.state === 'succeeded') return
  if (op.error) throw MeshdeckError.from(op.error)
  if (op.state === 'cancelled') throw new CancelledError(`${op.kind}`)
  throw new MeshdeckError('internal', `${op.kind} ${op.state} without saying why.`, 'The operation log above shows its last step.')
}

export async function runCluster(args: ClusterArgs): Promise<void> {
  if (args.action === 'sandbox') return runSandbox(args)
  const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: args.kubeconfig, tracesPort: 0 })
  try {
    const invoke = meshdeck.router.invoke.bind(meshdeck.router)
    if (args.action === 'list') {
      const list = await invoke('localClusters.list', {})
      if (args.json) process.stdout.write(`${JSON.stringify(list, null, 2)}\n`)
      else {
        process.stdout.write(clusterTable(list.clusters))
        if (list.kindProblem) process.stderr.write(`note: kind clusters are not listed: ${list.kindProblem.message}\n`)
      }
      return
    }
    const provider =
      args.action === 'create'
        ? args.provider
        : (args.provider ?? (await invoke('localClusters.list', {})).clusters.find((c) => c.name === args.name)?.provider ?? 'processes')
    const heading = `${{ create: 'Creating', delete: 'Deleting', start: 'Starting', stop: 'Stopping' }[args.action]} ${provider === 'kind' ? 'kind' : 'Docker-free'} cluster ${args.name}`
    const op = await follow(meshdeck, args.json, heading, () => {
      if (args.action === 'create') {
        const kubeconfig = args.merge ? ('merge' as const) : ('meshdeck' as const)
        if (args.provider === 'processes') return invoke('localClusters.create', { provider: 'processes', name: args.name, kubeconfig })
        const k = args.kind
        return invoke('localClusters.create', {
          provider: 'kind',
          ...(k.configYaml !== undefined
            ? { configYaml: withName(k.configYaml, args.name) }
            : { spec: { name: args.name, ...(k.image ? { nodeImage: k.image } : {}), controlPlanes: k.controlPlanes, workers: k.workers, extraPortMappings: k.ports, ingress: k.ingress, registry: k.registry } }),
          retain: k.retain,
          kubeconfig,
        })
      }
      return invoke(`localClusters.${args.action}` as 'localClusters.delete', { provider, name: args.name })
    })
    if (args.json) process.stdout.write(`${JSON.stringify(op, null, 2)}\n`)
    failIfFailed(op)
    if (!args.json && args.action === 'create' && op.context) {
      process.stdout.write(`cluster ${args.name} is ready: context ${op.context} in ${meshdeckKubeconfigPath(meshdeck.info.dataDir)}\n`)
      process.stdout.write(`  kubectl --kubeconfig ${meshdeckKubeconfigPath(meshdeck.info.dataDir)} --context ${op.context} get namespaces\n`)
    }
  } finally {
    await meshdeck.dispose()
  }
}

/**
 * The kind network's gateway; the network exists once any kind cluster does, so the cluster is
 * created first when it is missing (the sandbox then finds it and goes on).
 */
async function kindGateway(args: Extract<ClusterArgs, { action: 'sandbox' }>): Promise<string> {
  const found = await kindNetworkGatewayOfEngine()
  if (found) return found
  await runCluster({ command: 'cluster', action: 'create', json: args.json, kubeconfig: args.kubeconfig, name: args.name, provider: 'kind', merge: false, kind: { image: args.image, controlPlanes: 1, workers: 0, ports: [], ingress: false, registry: false, retain: false } })
  const gateway = await kindNetworkGatewayOfEngine()
  if (!gateway) throw new MeshdeckError('sandbox_step_failed', 'The kind network has no IPv4 gateway.', 'Check `docker network inspect kind`, or pass --xds-host.')
  return gateway
}

/** The sandbox, then the UI served on loopback (like `meshdeck serve`) until Ctrl+C. */
async function runSandbox(args: Extract<ClusterArgs, { action: 'sandbox' }>): Promise<void> {
  const meshDir = join(defaultDataDir(), 'sandbox-mesh')
  await mkdir(meshDir, { recursive: true })
  // A mesh folder gives the control plane something to serve until the sandbox switches it to the cluster.
  // Pods in kind reach the host at the kind network's gateway: the control plane listens there (only).
  const xdsHost = args.provider === 'kind' ? (args.xdsHost ?? (await kindGateway(args))) : undefined
  const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig: args.kubeconfig, meshDir, xdsPort: args.xdsPort, xdsHost, tracesPort: 0 })
  let op: LocalClusterOperation
  try {
    op = await follow(meshdeck, args.json, `Mesh sandbox on ${args.provider === 'kind' ? 'kind' : 'Docker-free'} cluster ${args.name}`, () =>
      meshdeck.router.invoke('localClusters.sandbox', { provider: args.provider, name: args.name, ...(args.image ? { nodeImage: args.image } : {}) }),
    )
    failIfFailed(op)
  } catch (err) {
    await meshdeck.dispose()
    throw err
  }
  const transport = await startHttpTransport({ router: meshdeck.router, bus: meshdeck.bus, staticDir: join(__dirname, '../renderer'), host: '127.0.0.1', port: args.port })
  const topology = `${transport.url}#/topology`
  if (args.json) process.stdout.write(`${JSON.stringify({ operation: op, topologyUrl: topology })}\n`)
  else {
    process.stdout.write(`Meshdeck listening on ${transport.url}\n`)
    process.stdout.write(`The sandbox is live: open ${topology}\nCtrl+C stops the demo workloads and the control plane; the cluster keeps running (meshdeck cluster delete ${args.name}).\n`)
  }
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void (async () => {
      await transport.dispose()
      await meshdeck.dispose()
      process.exit(0)
    })()
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
