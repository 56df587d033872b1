import { isMap, parseDocument, stringify } from 'yaml'
import type { KindClusterSpec, SpecProblem } from '@shared/contract'
import { clusterNameProblem } from './names'

/**
 * kind's cluster config, `kind.x-k8s.io/v1alpha4` (kind's pkg/apis/config/v1alpha4/types.go):
 * what the create form builds, and what a pasted config is checked against before kind sees it.
 * Pure: text and objects in, text, objects and problems out.
 */
export const kindApiVersion = 'kind.x-k8s.io/v1alpha4'

export interface KindPortMappingConfig {
  containerPort?: number
  hostPort?: number
  listenAddress?: string
  protocol?: string
}

export interface KindNodeConfig {
  role?: string
  image?: string
  labels?: Record<string, string>
  extraPortMappings?: KindPortMappingConfig[]
  [field: string]: unknown
}

export interface KindConfig {
  kind: 'Cluster'
  apiVersion: typeof kindApiVersion
  name?: string
  nodes?: KindNodeConfig[]
  containerdConfigPatches?: string[]
  [field: string]: unknown
}

/** kind decodes strictly (encoding/load.go: KnownFields(true)): an unknown field fails the create. */
const clusterFields = new Set([
  'kind',
  'apiVersion',
  'name',
  'nodes',
  'networking',
  'featureGates',
  'runtimeConfig',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
  'containerdConfigPatches',
  'containerdConfigPatchesJSON6902',
])
const nodeFields = new Set(['role', 'image', 'labels', 'extraMounts', 'extraPortMappings', 'kubeadmConfigPatches', 'kubeadmConfigPatchesJSON6902'])
const networkingFields = new Set(['ipFamily', 'apiServerPort', 'apiServerAddress', 'podSubnet', 'serviceSubnet', 'disableDefaultCNI', 'kubeProxyMode', 'dnsSearch'])
const portMappingFields = new Set(['containerPort', 'hostPort', 'listenAddress', 'protocol'])
const roles = new Set(['control-plane', 'worker'])
const protocols = new Set(['TCP', 'UDP', 'SCTP'])

/** The local registry of kind's recipe (site/content/docs/user/local-registry.md): container kind-registry, host localhost:5001. */
export const localRegistry = { container: 'kind-registry', hostPort: 5001, image: 'registry:3' } as const
/** Lets containerd read per-registry hosts.toml files, where the recipe points localhost:5001 at the registry container. */
export const registryContainerdPatch = '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"'

export const formLimits = { controlPlanes: { min: 1, max: 7 }, workers: { min: 0, max: 20 } } as const
const imagePattern = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/

/** The config the form describes: control planes, workers, port mappings on the first control plane, ingress, registry. */
export function kindConfigFromSpec(spec: KindClusterSpec): KindConfig {
  const image = spec.nodeImage?.trim() ? { image: spec.nodeImage.trim() } : {}
  const ports: KindPortMappingConfig[] = spec.extraPortMappings.map((m) => ({
    containerPort: m.containerPort,
    hostPort: m.hostPort,
    ...(m.listenAddress ? { listenAddress: m.listenAddress } : {}),
    ...(m.protocol && m.protocol !== 'TCP' ? { protocol: m.protocol } : {}),
  }))
  // kind's ingress guide: the node that takes host ports 80/443 carries ingress-ready=true, so
  // an ingress controller's nodeSelector lands it there.
  if (spec.ingress) ports.push({ containerPort: 80, hostPort: 80 }, { containerPort: 443, hostPort: 443 })
  const nodes: KindNodeConfig[] = []
  for (let i = 0; i < spec.controlPlanes; i++) {
    const first = i === 0
    nodes.push({
      role: 'control-plane',
      ...image,
      ...(first && spec.ingress ? { labels: { 'ingress-ready': 'true' } } : {}),
      ...(first && ports.length > 0 ? { extraPortMappings: ports } : {}),
    })
  }
  for (let i = 0; i < spec.workers; i++) nodes.push({ role: 'worker', ...image })
  return {
    kind: 'Cluster',
    apiVersion: kindApiVersion,
    name: spec.name,
    nodes,
    ...(spec.registry ? { containerdConfigPatches: [registryContainerdPatch] } : {}),
  }
}

export function renderKindConfig(config: KindConfig): string {
  return stringify(config, { lineWidth: 0 })
}

/** A form's problems, each naming its field. Host ports in use are checked separately (that needs I/O). */
export function kindSpecProblems(spec: KindClusterSpec): SpecProblem[] {
  const problems: SpecProblem[] = []
  const name = clusterNameProblem('kind', spec.name)
  if (name) problems.push(name)
  if (spec.nodeImage && spec.nodeImage.trim() !== '' && !imagePattern.test(spec.nodeImage.trim())) {
    problems.push({ field: 'nodeImage', message: `"${spec.nodeImage}" is not an image reference like kindest/node:v1.31.0.` })
  }
  for (const key of ['controlPlanes', 'workers'] as const) {
    const { min, max } = formLimits[key]
    if (spec[key] < min || spec[key] > max) problems.push({ field: key, message: `${key === 'controlPlanes' ? 'Control-plane nodes' : 'Worker nodes'}: from ${min} to ${max}.` })
  }
  spec.extraPortMappings.forEach((m, i) => problems.push(...portMappingProblems(m, `extraPortMappings[${i}]`)))
  problems.push(...duplicatePortProblems(hostPortsOfSpec(spec)))
  return problems
}

function portMappingProblems(m: KindPortMappingConfig, field: string): SpecProblem[] {
  const problems: SpecProblem[] = []
  for (const key of ['containerPort', 'hostPort'] as const) {
    const value = m[key]
    if (value === undefined && key === 'containerPort') problems.push({ field: `${field}.${key}`, message: 'containerPort is required.' })
    else if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 65535)) {
      problems.push({ field: `${field}.${key}`, message: `${key} must be a port from 1 to 65535, got ${String(value)}.` })
    }
  }
  if (m.protocol !== undefined && !protocols.has(m.protocol)) problems.push({ field: `${field}.protocol`, message: `protocol must be TCP, UDP or SCTP, got ${m.protocol}.` })
  if (m.listenAddress !== undefined && !isIpAddress(m.listenAddress)) problems.push({ field: `${field}.listenAddress`, message: `listenAddress must be an IP address, got "${m.listenAddress}".` })
  return problems
}

/** One host port a config asks for, with the form or YAML field that asked. */
export interface RequestedHostPort {
  field: string
  address: string
  port: number
  protocol: string
}

/** Host ports the form asks for: one per row, and 80/443 for ingress (named by its checkbox). */
export function hostPortsOfSpec(spec: KindClusterSpec): RequestedHostPort[] {
  const rows = spec.extraPortMappings.map((m, i) => ({ field: `extraPortMappings[${i}].hostPort`, address: m.listenAddress ?? '0.0.0.0', port: m.hostPort, protocol: m.protocol ?? 'TCP' }))
  const ingress = spec.ingress ? [80, 443].map((port) => ({ field: 'ingress', address: '0.0.0.0', port, protocol: 'TCP' })) : []
  return [...rows, ...ingress].filter((p) => p.port >= 1 && p.port <= 65535)
}

/** Host ports a pasted config binds (kind binds listenAddress, default 0.0.0.0), named by their path in it. */
export function hostPortsOfConfig(config: KindConfig): RequestedHostPort[] {
  const out: RequestedHostPort[] = []
  ;(config.nodes ?? []).forEach((node, n) => {
    ;(node.extraPortMappings ?? []).forEach((m, i) => {
      if (typeof m.hostPort !== 'number' || m.hostPort < 1) return
      out.push({ field: `configYaml: nodes[${n}].extraPortMappings[${i}].hostPort`, address: m.listenAddress ?? '0.0.0.0', port: m.hostPort, protocol: m.protocol ?? 'TCP' })
    })
  })
  return out
}

/** kind refuses two mappings with the same listen address, port and protocol (validatePortMappings). */
export function duplicatePortProblems(ports: readonly RequestedHostPort[]): SpecProblem[] {
  const seen = new Map<string, RequestedHostPort>()
  const problems: SpecProblem[] = []
  for (const p of ports) {
    const wildcard = p.address === '0.0.0.0' || p.address === '::'
    const clash = [...seen.values()].find((q) => q.port === p.port && q.protocol === p.protocol && (q.address === p.address || wildcard || q.address === '0.0.0.0' || q.address === '::'))
    if (clash) problems.push({ field: p.field, message: `Host port ${p.port}/${p.protocol} is already mapped by ${clash.field}.` })
    seen.set(`${p.address}:${p.port}/${p.protocol}`, p)
  }
  return problems
}

/** Ports something on this machine already holds (found by trying to bind them) → one problem each. */
export function portsInUseProblems(inUse: readonly RequestedHostPort[]): SpecProblem[] {
  return inUse.map((p) => ({
    field: p.field,
    message: `Host port ${p.port} (${p.address}) is already in use on this machine; pick another or stop what holds it.`,
  }))
}

export interface ParsedKindConfig {
  config: KindConfig | null
  problems: SpecProblem[]
}

/** A pasted kind config, checked as kind would check it (strict fields, roles, ports, name). */
export function parseKindConfig(text: string): ParsedKindConfig {
  const field = 'configYaml'
  const doc = parseDocument(text)
  if (doc.errors.length > 0) {
    const err = doc.errors[0]
    const line = err?.linePos?.[0]?.line
    return { config: null, problems: [{ field, message: `Not valid YAML${line ? ` (line ${line})` : ''}: ${err?.message.split('\n')[0] ?? 'parse error'}` }] }
  }
  if (!isMap(doc.contents)) return { config: null, problems: [{ field, message: 'A kind config is a YAML mapping with kind: Cluster and apiVersion: kind.x-k8s.io/v1alpha4.' }] }
  const raw = doc.toJS() as Record<string, unknown>
  const problems: SpecProblem[] = []
  const at = (path: string): string => `${field}: ${path}`
  if (raw.apiVersion !== kindApiVersion) problems.push({ field: at('apiVersion'), message: `kind reads apiVersion ${kindApiVersion}; this config says ${JSON.stringify(raw.apiVersion ?? null)}.` })
  if (raw.kind !== 'Cluster') problems.push({ field: at('kind'), message: `kind must be Cluster, got ${JSON.stringify(raw.kind ?? null)}.` })
  for (const key of Object.keys(raw)) if (!clusterFields.has(key)) problems.push({ field: at(key), message: `kind does not know the field "${key}" (it decodes configs strictly).` })
  const name = typeof raw.name === 'string' ? raw.name : raw.name === undefined ? 'kind' : null
  if (name === null) problems.push({ field: at('name'), message: 'name must be a string.' })
  else {
    const problem = clusterNameProblem('kind', name, at('name'))
    if (problem) problems.push(problem)
  }
  if (raw.networking !== undefined) {
    if (!isRecord(raw.networking)) problems.push({ field: at('networking'), message: 'networking must be a mapping.' })
    else for (const key of Object.keys(raw.networking)) if (!networkingFields.has(key)) problems.push({ field: at(`networking.${key}`), message: `kind does not know the field "${key}".` })
  }
  const nodes = raw.nodes === undefined ? [{ role: 'control-plane' }] : raw.nodes
  if (!Array.isArray(nodes)) problems.push({ field: at('nodes'), message: 'nodes must be a list.' })
  else {
    nodes.forEach((node: unknown, n) => {
      if (!isRecord(node)) return problems.push({ field: at(`nodes[${n}]`), message: 'each node must be a mapping with a role.' })
      for (const key of Object.keys(node)) if (!nodeFields.has(key)) problems.push({ field: at(`nodes[${n}].${key}`), message: `kind does not know the node field "${key}".` })
      const role = node.role ?? 'control-plane'
      if (typeof role !== 'string' || !roles.has(role)) problems.push({ field: at(`nodes[${n}].role`), message: `role must be control-plane or worker, got ${JSON.stringify(role)}.` })
      if (node.extraPortMappings !== undefined) {
        if (!Array.isArray(node.extraPortMappings)) problems.push({ field: at(`nodes[${n}].extraPortMappings`), message: 'extraPortMappings must be a list.' })
        else
          node.extraPortMappings.forEach((m: unknown, i) => {
            const path = `nodes[${n}].extraPortMappings[${i}]`
            if (!isRecord(m)) return problems.push({ field: at(path), message: 'each port mapping must be a mapping.' })
            for (const key of Object.keys(m)) if (!portMappingFields.has(key)) problems.push({ field: at(`${path}.${key}`), message: `kind does not know the port mapping field "${key}".` })
            problems.push(...portMappingProblems(m as KindPortMappingConfig, at(path)))
          })
      }
    })
    if (!nodes.some((n: unknown) => isRecord(n) && (n.role ?? 'control-plane') === 'control-plane')) {
      problems.push({ field: at('nodes'), message: 'kind needs at least one control-plane node.' })
    }
  }
  if (problems.length > 0) return { config: null, problems }
  const config = { ...raw, name: name as string, nodes: nodes as KindNodeConfig[] } as KindConfig
  return { config, problems: duplicatePortProblems(hostPortsOfConfig(config)) }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isIpAddress(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value)
  if (v4) return v4.slice(1).every((part) => Number(part) <= 255)
  return /^[0-9a-fA-F:]+$/.test(value) && value.includes(':')
}
