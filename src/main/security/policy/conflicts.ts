import { authorizationFor } from './authorization'
import { clientTlsMode, destinationRuleFor } from './destination-tls'
import { effectivePeerAuthentication, peerAuthenticationForPort, type EffectiveMode, type EffectivePeerAuthentication } from './peer-authentication'
import {
  defaultDomainSuffix,
  defaultRootNamespace,
  hasSelector,
  refOf,
  selectorMatches,
  type ClientTlsMode,
  type MeshPolicyInput,
  type PolicyWorkload,
} from './types'

export interface PolicyConflict {
  severity: 'error' | 'warning'
  code:
    | 'strict-server-plaintext-client'
    | 'mtls-client-disabled-server'
    | 'strict-server-foreign-certificate'
    | 'port-level-mtls-ignored'
    | 'root-namespace-selector-ignored'
    | 'duplicate-peer-authentication'
    | 'principals-without-mtls'
    /** Proxyless gRPC only: a PERMISSIVE server serves plaintext, so ISTIO_MUTUAL callers fail. */
    | 'proxyless-permissive-mtls-client'
    /** Proxyless gRPC only: one cluster's endpoints disagree on STRICT, and a cluster has one TLS setting. */
    | 'proxyless-mixed-strict-endpoints'
  message: string
  hint: string
  /** "Kind ns/name" of every resource involved. */
  resources: string[]
  workload: string | null
  port: number | null
  /**
   * For a DestinationRule at odds with a server's PeerAuthentication: the host, what the rule makes
   * callers use and what the server enforces (the analysis words these as Istio's IST0113).
   */
  mtls?: { host: string; rule: string; clientMode: ClientTlsMode; policy: string | null; serverMode: EffectiveMode }
}

const describeMode = (pa: EffectivePeerAuthentication): string =>
  pa.policy ? `${pa.policy} sets ${pa.mode}` : `Istio's default is ${pa.mode}`

/**
 * Finds mTLS settings that break traffic or do nothing, each with a fix: servers that require
 * mTLS while their callers' DestinationRule turns it off, callers forcing mTLS towards servers
 * that refuse it, and policy fields Istio ignores.
 */
export function detectConflicts(input: MeshPolicyInput): PolicyConflict[] {
  const rootNamespace = input.rootNamespace ?? defaultRootNamespace
  const domainSuffix = input.domainSuffix ?? defaultDomainSuffix
  const options = { rootNamespace, domainSuffix, autoMtls: input.autoMtls }
  const conflicts = new Map<string, PolicyConflict>()
  const add = (conflict: PolicyConflict, key: string): void => {
    if (!conflicts.has(key)) conflicts.set(key, conflict)
  }

  for (const pa of input.peerAuthentications) {
    const ref = refOf('PeerAuthentication', pa.metadata)
    const ns = pa.metadata?.namespace ?? 'default'
    if (!hasSelector(pa.spec?.selector) && Object.keys(pa.spec?.portLevelMtls ?? {}).length > 0) {
      add(
        {
          severity: 'warning',
          code: 'port-level-mtls-ignored',
          message: `${ref} sets portLevelMtls without a selector; Istio ignores port-level settings on namespace- and mesh-wide policies.`,
          hint: 'Add a selector (matchLabels of the workload) to this PeerAuthentication, or move the port settings to a workload policy.',
          resources: [ref],
          workload: null,
          port: null,
        },
        `plm:${ref}`,
      )
    }
    if (ns === rootNamespace && hasSelector(pa.spec?.selector)) {
      add(
        {
          severity: 'warning',
          code: 'root-namespace-selector-ignored',
          message: `${ref} is in the mesh root namespace (${rootNamespace}) and has a selector; Istio applies it to no workload.`,
          hint: `Move it to the namespace of the workloads it selects, or remove the selector to make it mesh-wide.`,
          resources: [ref],
          workload: null,
          port: null,
        },
        `rns:${ref}`,
      )
    }
  }

  const scopes = new Map<string, string[]>()
  for (const pa of input.peerAuthentications) {
    if (hasSelector(pa.spec?.selector)) continue
    const ns = pa.metadata?.namespace ?? 'default'
    const scope = ns === rootNamespace ? 'the whole mesh' : `namespace ${ns}`
    scopes.set(scope, [...(scopes.get(scope) ?? []), refOf('PeerAuthentication', pa.metadata)])
  }
  for (const workload of input.workloads) {
    const winner = effectivePeerAuthentication(input.peerAuthentications, workload, rootNamespace).applied
    for (const [scope, refs] of scopes) {
      const used = scope === 'the whole mesh' ? winner.mesh : winner.namespace
      if (refs.length > 1 && used && refs.includes(used)) {
        add(
          {
            severity: 'warning',
            code: 'duplicate-peer-authentication',
            message: `${refs.length} PeerAuthentications apply to ${scope} (${refs.join(', ')}); Istio uses only the oldest, ${used}.`,
            hint: 'Keep one PeerAuthentication without a selector per namespace (and one in the root namespace for the mesh) and delete the others.',
            resources: refs,
            workload: null,
            port: null,
          },
          `dup:${scope}`,
        )
      }
    }
  }

  const clientNamespaces = [...new Set(input.workloads.map((w) => w.namespace))].sort()
  // A service selects workloads of its own namespace: look only there (a scan of every workload per
  // service made big meshes slow).
  const workloadsIn = new Map<string, PolicyWorkload[]>()
  for (const w of input.workloads) {
    const list = workloadsIn.get(w.namespace) ?? []
    list.push(w)
    workloadsIn.set(w.namespace, list)
  }
  for (const service of input.services) {
    const host = service.host ?? `${service.name}.${service.namespace}.svc.${domainSuffix}`
    const servers = Object.keys(service.selector).length === 0 ? [] : (workloadsIn.get(service.namespace) ?? []).filter((w) => selectorMatches({ matchLabels: service.selector }, w.labels))
    for (const server of servers) {
      const effective = effectivePeerAuthentication(input.peerAuthentications, server, rootNamespace)
      for (const servicePort of service.ports) {
        const serverPort = servicePort.targetPort ?? servicePort.port
        const pa = peerAuthenticationForPort(effective, serverPort)
        // Every conflict below needs a server that is STRICT or DISABLE; PERMISSIVE accepts all callers.
        if (pa.mode === 'PERMISSIVE') continue
        const byRule = new Map<string, { mode: ClientTlsMode; rule: string | null; namespaces: string[] }>()
        for (const client of clientNamespaces) {
          const rule = destinationRuleFor(input.destinationRules, host, client, options)
          const subsets = [undefined, ...(rule?.spec?.subsets ?? []).filter((s) => selectorMatches({ matchLabels: s.labels }, server.labels)).map((s) => s.name)]
          for (const subset of subsets) {
            const tls = clientTlsMode(input.destinationRules, { host, port: servicePort.port, subset, serverMode: pa.mode }, client, options)
            const key = `${tls.rule}|${tls.mode}|${tls.source}`
            const entry = byRule.get(key) ?? { mode: tls.mode, rule: tls.rule, namespaces: [] }
            if (!entry.namespaces.includes(client)) entry.namespaces.push(client)
            byRule.set(key, entry)
          }
        }
        const workloadName = `${server.namespace}/${server.name}`
        for (const { mode, rule, namespaces } of byRule.values()) {
          const resources = [rule, pa.policy].filter((r): r is string => r !== null)
          const where = `${workloadName} (${host}:${servicePort.port})`
          const callers = `callers in ${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(', ')}`
          if (pa.mode === 'STRICT' && (mode === 'DISABLE' || mode === 'SIMPLE') && rule) {
            add(
              {
                severity: 'error',
                code: 'strict-server-plaintext-client',
                message: `${where} accepts only mutual TLS (${describeMode(pa)}), but ${rule} makes ${callers} use tls mode ${mode}; their calls fail.`,
                hint: `In ${rule} set trafficPolicy.tls.mode to ISTIO_MUTUAL (or remove the tls block so auto mTLS applies), or relax ${pa.policy ?? 'the PeerAuthentication'} to PERMISSIVE.`,
                resources,
                workload: workloadName,
                port: serverPort,
                mtls: { host, rule, clientMode: mode, policy: pa.policy, serverMode: pa.mode },
              },
              `spc:${rule}:${workloadName}:${serverPort}:${mode}`,
            )
          } else if (pa.mode === 'DISABLE' && mode === 'ISTIO_MUTUAL' && rule) {
            add(
              {
                severity: 'error',
                code: 'mtls-client-disabled-server',
                message: `${rule} makes ${callers} use ISTIO_MUTUAL towards ${where}, which has mTLS turned off (${describeMode(pa)}); their calls fail.`,
                hint: `Remove tls from ${rule} (auto mTLS then sends plaintext to this server), or set ${pa.policy ?? 'its PeerAuthentication'} to PERMISSIVE or STRICT.`,
                resources,
                workload: workloadName,
                port: serverPort,
                mtls: { host, rule, clientMode: mode, policy: pa.policy, serverMode: pa.mode },
              },
              `mcd:${rule}:${workloadName}:${serverPort}`,
            )
          } else if (pa.mode === 'STRICT' && mode === 'MUTUAL' && rule) {
            add(
              {
                severity: 'warning',
                code: 'strict-server-foreign-certificate',
                message: `${rule} makes ${callers} present their own certificates (MUTUAL) to ${where}, which requires mesh mTLS (${describeMode(pa)}); it accepts only certificates from the mesh CA.`,
                hint: `Use tls mode ISTIO_MUTUAL in ${rule} for destinations inside the mesh.`,
                resources,
                workload: workloadName,
                port: serverPort,
              },
              `sfc:${rule}:${workloadName}:${serverPort}`,
            )
          }
        }
      }
    }
  }

  for (const workload of input.workloads) conflictsOfAuthorization(input, workload, rootNamespace).forEach((c) => add(c, `pwm:${c.resources.join(',')}:${c.workload}`))
  return [...conflicts.values()].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
}

function conflictsOfAuthorization(input: MeshPolicyInput, workload: PolicyWorkload, rootNamespace: string): PolicyConflict[] {
  const pa = effectivePeerAuthentication(input.peerAuthentications, workload, rootNamespace)
  if (pa.mode !== 'DISABLE') return []
  const authz = authorizationFor(input.authorizationPolicies, workload, rootNamespace)
  return authz.allow
    .filter((p) => p.rules.some((r) => r.from.some((f) => f.principal?.values || f.namespace?.values || f.serviceAccount?.values)))
    .map((p) => ({
      severity: 'warning' as const,
      code: 'principals-without-mtls' as const,
      message: `${p.policy} allows callers by principal or namespace, but ${workload.namespace}/${workload.name} has mTLS turned off (${describeMode(pa)}), so no caller has a principal and these rules never match.`,
      hint: `Turn mTLS on for this workload (PERMISSIVE or STRICT) or match callers by ipBlocks instead.`,
      resources: [p.policy, ...(pa.policy ? [pa.policy] : [])],
      workload: `${workload.namespace}/${workload.name}`,
      port: null,
    }))
}
