import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { KindPortMapping, LocalClusterProvider } from '@shared/contract'

export class ClusterUsageError extends Error {}

export const clusterUsage = `  meshdeck cluster list [-o json]
      kind clusters (from the container engine) and Docker-free clusters, with state and context.
  meshdeck cluster create NAME [--provider processes|kind] [--merge-kubeconfig] [-o json]
      Docker-free (the default): etcd + kube-apiserver + controller-manager + scheduler as processes on
          127.0.0.1 from KUBEBUILDER_ASSETS / setup-envtest's folder / Meshdeck's cache. No kubelet.
      kind: [--image IMG] [--control-planes N] [--workers N] [--port HOST:CONTAINER]... [--ingress]
          [--registry] [--retain] [--config FILE (a kind.x-k8s.io/v1alpha4 config instead)]
      The context goes into Meshdeck's kubeconfig (<MESHDECK_HOME>/local-clusters/kubeconfig);
      --merge-kubeconfig also copies it into yours (a backup first, current-context kept).
  meshdeck cluster delete NAME [--provider processes|kind] [-o json]
  meshdeck cluster start|stop NAME [-o json]      Docker-free clusters only; stop keeps the data.
  meshdeck cluster sandbox NAME [--provider processes|kind] [--xds-port PORT] [--ui-port N] [-o json]
      The cluster (made or reused) + Istio CRDs + the demo mesh, served by Meshdeck's control plane;
      prints the UI's Topology URL and keeps serving until Ctrl+C (the cluster stays; \`meshdeck
      cluster delete NAME\` removes it). Docker-free (default): the demo's workloads run as local
      processes. kind [--image IMG] [--xds-host ADDR]: they run as pods of an image built from this
      checkout's demo workload, and the control plane listens on the kind network's gateway (or ADDR).
      All of them take [--kubeconfig PATH] (your kubeconfig; default KUBECONFIG or ~/.kube/config).
`

export type ClusterArgs =
  | { command: 'cluster'; action: 'list'; json: boolean; kubeconfig?: string }
  | { command: 'cluster'; action: 'create'; json: boolean; kubeconfig?: string; name: string; provider: LocalClusterProvider; merge: boolean; kind: KindCreateOptions }
  | { command: 'cluster'; action: 'delete' | 'start' | 'stop'; json: boolean; kubeconfig?: string; name: string; provider?: LocalClusterProvider }
  | { command: 'cluster'; action: 'sandbox'; json: boolean; kubeconfig?: string; name: string; provider: LocalClusterProvider; image?: string; xdsHost?: string; xdsPort: number; port: number }

export interface KindCreateOptions {
  image?: string
  controlPlanes: number
  workers: number
  ports: KindPortMapping[]
  ingress: boolean
  registry: boolean
  retain: boolean
  /** The text of --config FILE. */
  configYaml?: string
}

function count(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new ClusterUsageError(`${flag} must be a whole number, got "${value}".`)
  return n
}

function port(flag: string, value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ClusterUsageError(`${flag} must be a whole number from 0 to 65535, got "${value}".`)
  return n
}

/** `meshdeck cluster …`: parsed strictly; a wrong flag is named with the usage. */
export function parseClusterArgs(argv: string[]): ClusterArgs {
  const [action, ...rest] = argv
  let parsed
  try {
    parsed = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        kubeconfig: { type: 'string' },
        provider: { type: 'string' },
        'merge-kubeconfig': { type: 'boolean', default: false },
        image: { type: 'string' },
        'control-planes': { type: 'string' },
        workers: { type: 'string' },
        port: { type: 'string', multiple: true },
        ingress: { type: 'boolean', default: false },
        registry: { type: 'boolean', default: false },
        retain: { type: 'boolean', default: false },
        config: { type: 'string' },
        'xds-port': { type: 'string' },
        'ui-port': { type: 'string' },
        'xds-host': { type: 'string' },
      },
    })
  } catch (err) {
    throw new ClusterUsageError(`${(err as Error).message}\n\n${clusterUsage}`)
  }
  const { values, positionals } = parsed
  if (values.output !== undefined && values.output !== 'json') throw new ClusterUsageError(`-o takes json (human output is the default), got "${values.output}".`)
  const json = values.output === 'json'
  const provider = values.provider
  if (provider !== undefined && provider !== 'kind' && provider !== 'processes') throw new ClusterUsageError(`--provider is processes (Docker-free) or kind, got "${provider}".`)
  const common = { command: 'cluster' as const, json, kubeconfig: values.kubeconfig }
  if (action === 'list') {
    if (positionals.length > 0) throw new ClusterUsageError(`cluster list takes no name.\n\n${clusterUsage}`)
    return { ...common, action }
  }
  if (action !== 'create' && action !== 'delete' && action !== 'start' && action !== 'stop' && action !== 'sandbox') {
    throw new ClusterUsageError(`${action === undefined ? 'cluster needs an action' : `Unknown cluster action "${action}"`}.\n\n${clusterUsage}`)
  }
  const [name, ...extra] = positionals
  if (!name || extra.length > 0) throw new ClusterUsageError(`cluster ${action} takes one cluster name.\n\n${clusterUsage}`)
  if (action === 'sandbox') {
    if (values['xds-host'] !== undefined && provider !== 'kind') throw new ClusterUsageError('--xds-host is for the kind sandbox (the Docker-free one keeps the control plane on 127.0.0.1).')
    return {
      ...common,
      action,
      name,
      provider: provider ?? 'processes',
      ...(values.image ? { image: values.image } : {}),
      ...(values['xds-host'] ? { xdsHost: values['xds-host'] } : {}),
      xdsPort: port('--xds-port', values['xds-port'], 0),
      port: port('--ui-port', values['ui-port'], 0),
    }
  }
  if (action !== 'create') return { ...common, action, name, ...(provider ? { provider } : {}) }
  const ports = (values.port ?? []).map((p) => {
    const match = /^(\d+):(\d+)$/.exec(p)
    if (!match) throw new ClusterUsageError(`--port is HOST:CONTAINER (e.g. 8080:30080), got "${p}".`)
    return { hostPort: Number(match[1]), containerPort: Number(match[2]) }
  })
  let configYaml: string | undefined
  if (values.config !== undefined) {
    try {
      configYaml = readFileSync(values.config, 'utf8')
    } catch (err) {
      throw new ClusterUsageError(`--config: cannot read ${values.config} (${(err as NodeJS.ErrnoException).code ?? String(err)}).`)
    }
  }
  return {
    ...common,
    action,
    name,
    provider: provider ?? (configYaml !== undefined ? 'kind' : 'processes'),
    merge: values['merge-kubeconfig'] ?? false,
    kind: {
      image: values.image,
      controlPlanes: count('--control-planes', values['control-planes'], 1),
      workers: count('--workers', values.workers, 0),
      ports,
      ingress: values.ingress ?? false,
      registry: values.registry ?? false,
      retain: values.retain ?? false,
      configYaml,
    },
  }
}
