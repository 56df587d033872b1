import type { MtlsEdgeStatusDto, MtlsStatusDto, PolicyConflictDto, WorkloadCertificateDto, XdsClient } from '@shared/contract'
import type { MeshSecurityModel } from './mesh-security'
import { effectivePeerAuthentication, peerAuthenticationForPort } from './policy'
import { spiffeId } from './spiffe'

/** What the load reports say: who called which cluster. */
export interface ObservedCalls {
  host: string
  port: number
  /** '' for the service's default cluster. */
  subset: string
  callers: string[]
}

export interface MtlsStatusInput {
  model: MeshSecurityModel | null
  certificates: readonly WorkloadCertificateDto[]
  clients: readonly XdsClient[]
  calls: readonly ObservedCalls[]
  conflicts: readonly PolicyConflictDto[]
  trustDomain: string
}

/** namespace/name of the workload behind an ADS stream, from the node metadata Istio's bootstraps carry. */
export function workloadOfClient(client: Pick<XdsClient, 'nodeId' | 'metadata'>): string | null {
  const ns = client.metadata.NAMESPACE
  const name = client.metadata.WORKLOAD_NAME
  if (typeof ns === 'string' && typeof name === 'string') return `${ns}/${name}`
  // Istio's proxyless node id: sidecar~IP~NAME.NAMESPACE~NAMESPACE.svc.cluster.local
  const match = /^[^~]+~[^~]+~([^.~]+)\.([^~]+)~/.exec(client.nodeId)
  return match ? `${match[2]}/${match[1]}` : null
}

const synced = (clients: readonly XdsClient[], type: 'CDS' | 'LDS'): boolean =>
  clients.length > 0 && clients.every((c) => c.types.some((t) => t.type === type && t.status === 'SYNCED'))

/**
 * Whether calls from one caller to one destination cluster are mutual TLS. Configured: the cluster
 * originates mTLS and every server behind it requires it. In effect: the caller's streams have
 * ACKed the clusters and every server's streams the listeners; until then the answer is null.
 */
export function edgeMtls(
  model: MeshSecurityModel,
  clients: readonly XdsClient[],
  edge: { caller: string; host: string; port: number; subset: string | null },
): MtlsEdgeStatusDto {
  const service = model.services.find((s) => s.host === edge.host)
  const destination = { host: edge.host, namespace: service?.namespace ?? '', port: edge.port, subset: edge.subset ?? undefined }
  const targets = model.endpoints(destination)
  const clientMtls = model.clientMtls(destination)
  const serverModes = targets.map((t) => model.serverRequiresMtls({ ...t.endpoint, port: t.port }))
  const serverMtls = serverModes.length > 0 && serverModes.every(Boolean)
  const callerStreams = clients.filter((c) => c.nodeId === edge.caller)
  const serverWorkloads = new Set(targets.map((t) => t.endpoint.origin.replace(/^WorkloadEntry\//, '')))
  const serverStreams = clients.filter((c) => {
    const workload = workloadOfClient(c)
    return workload !== null && serverWorkloads.has(workload)
  })
  const isSynced = synced(callerStreams, 'CDS') && serverStreams.length > 0 && synced(serverStreams, 'LDS')
  const mixed = serverModes.some(Boolean) && !serverMtls
  const callerWorkload = callerStreams[0] ? workloadOfClient(callerStreams[0]) : null
  return {
    caller: edge.caller,
    callerWorkload,
    host: edge.host,
    port: edge.port,
    subset: edge.subset,
    clientMtls,
    serverMtls,
    synced: isSynced,
    mtls: !isSynced || mixed ? null : clientMtls && serverMtls,
  }
}

/** The Security page's mTLS table and edges. Pure. */
export function buildMtlsStatus(input: MtlsStatusInput): MtlsStatusDto {
  const { model } = input
  if (!model) return { evaluated: false, trustDomain: input.trustDomain, workloads: [], edges: [], conflicts: [...input.conflicts] }
  const certificates = new Map(input.certificates.map((c) => [c.workload, c]))
  const workloads = model.snapshot.workloadEntries.map((entry) => {
    const labels = entry.spec.labels ?? {}
    const serviceAccount = entry.spec.serviceAccount ?? 'default'
    const effective = effectivePeerAuthentication(model.input.peerAuthentications, { namespace: entry.namespace, name: entry.name, serviceAccount, labels }, model.options.rootNamespace)
    const authz = model.authorization({ namespace: entry.namespace, labels })
    const byPort = new Map<number, { hosts: string[]; callers: MtlsStatusDto['workloads'][number]['ports'][number]['callers'] }>()
    for (const service of model.services) {
      const endpoint = service.endpoints.find((e) => e.origin === `WorkloadEntry/${entry.namespace}/${entry.name}`)
      if (!endpoint) continue
      for (const port of service.ports) {
        for (const target of model.endpoints({ host: service.host, namespace: service.namespace, port: port.number })) {
          if (target.endpoint !== endpoint) continue
          const row = byPort.get(target.port) ?? { hosts: [], callers: [] }
          if (!row.hosts.includes(service.host)) row.hosts.push(service.host)
          const subsets = model.input.destinationRules
            .filter((r) => r.spec?.host === service.host || r.spec?.host === service.shortName)
            .flatMap((r) => r.spec?.subsets ?? [])
            .filter((s) => Object.entries(s.labels ?? {}).every(([k, v]) => labels[k] === v))
            .map((s) => s.name ?? null)
          for (const subset of subsets.length > 0 ? subsets : [null]) {
            const tls = model.clientTls({ host: service.host, namespace: service.namespace, port: port.number, subset: subset ?? undefined })
            row.callers.push({ host: service.host, subset, mode: tls.mode, source: tls.source, rule: tls.rule })
          }
          byPort.set(target.port, row)
        }
      }
    }
    const cert = certificates.get(`${entry.namespace}/${entry.name}`) ?? certificates.get(`${entry.namespace}/${serviceAccount}`)
    return {
      namespace: entry.namespace,
      name: entry.name,
      serviceAccount,
      spiffeId: spiffeId(input.trustDomain, { namespace: entry.namespace, serviceAccount }),
      ports: [...byPort.entries()]
        .sort(([a], [b]) => a - b)
        .map(([port, row]) => {
          const pa = peerAuthenticationForPort(effective, port)
          return {
            port,
            hosts: row.hosts,
            mode: pa.mode,
            modeSource: pa.source,
            modePolicy: pa.policy,
            serves: pa.mode === 'STRICT' ? ('mtls' as const) : ('plaintext' as const),
            callers: row.callers,
            authorization: authz ? [...new Set([...authz.deny, ...authz.allow].map((p) => p.policy))] : [],
          }
        }),
      certificate: cert
        ? { spiffeId: cert.spiffeId, issuer: cert.issuer, notBefore: cert.notBefore, notAfter: cert.notAfter, renewAt: cert.renewAt, lastError: cert.lastError }
        : null,
    }
  })
  const edges = input.calls.flatMap((call) =>
    call.callers.map((caller) => edgeMtls(model, input.clients, { caller, host: call.host, port: call.port, subset: call.subset === '' ? null : call.subset })),
  )
  return { evaluated: true, trustDomain: input.trustDomain, workloads, edges, conflicts: [...input.conflicts] }
}
