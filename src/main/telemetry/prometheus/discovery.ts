/**
 * Finding a cluster's Prometheus among its Services, as Lens and Headlamp do: the names the common
 * installs give it, in order of how sure the name is, each reached through the API server's service
 * proxy. Pure: the Service objects come in, candidates with their proxy path and the reason out.
 */
import { Service } from '../../model'

export interface ServiceSummary {
  namespace: string
  name: string
  labels: Record<string, string>
  ports: { name: string | null; port: number }[]
}

export interface PrometheusCandidate {
  namespace: string
  name: string
  port: number
  /** Whether the proxy should speak HTTPS to it (a port named https…). */
  https: boolean
  /** Why this Service looks like Prometheus, in words: "Istio's Prometheus add-on". */
  why: string
}

interface Rule {
  why: string
  matches: (s: ServiceSummary) => boolean
  /** Ports to prefer, by name then number. */
  ports: { names: string[]; numbers: number[] }
}

const webPorts = { names: ['web', 'http-web', 'http', 'http-prometheus', 'https'], numbers: [9090, 80, 443] }
const prometheusLabel = (s: ServiceSummary): boolean =>
  s.labels['app.kubernetes.io/name'] === 'prometheus' || s.labels.app === 'prometheus' || s.labels['operated-prometheus'] === 'true'

/** Most certain first. */
const rules: Rule[] = [
  { why: "Istio's Prometheus add-on (samples/addons)", matches: (s) => s.namespace === 'istio-system' && s.name === 'prometheus', ports: webPorts },
  { why: "kube-prometheus-stack's Prometheus", matches: (s) => /(^|-)kube-prometheus(-stack)?-prometheus$/.test(s.name) || s.name === 'kube-prometheus-stack-prometheus', ports: webPorts },
  { why: "the Prometheus Operator's governing Service", matches: (s) => s.name === 'prometheus-operated', ports: webPorts },
  { why: "kube-prometheus's Prometheus", matches: (s) => s.name === 'prometheus-k8s', ports: webPorts },
  { why: "the prometheus Helm chart's server", matches: (s) => s.name === 'prometheus-server', ports: webPorts },
  { why: 'a Service named prometheus', matches: (s) => s.name === 'prometheus', ports: webPorts },
  { why: 'a Service labelled as Prometheus', matches: prometheusLabel, ports: webPorts },
]

function pickPort(s: ServiceSummary, prefer: Rule['ports']): { port: number; https: boolean } | null {
  for (const name of prefer.names) {
    const p = s.ports.find((x) => x.name === name)
    if (p) return { port: p.port, https: name.startsWith('https') }
  }
  for (const number of prefer.numbers) {
    const p = s.ports.find((x) => x.port === number)
    if (p) return { port: p.port, https: number === 443 }
  }
  const only = s.ports.length === 1 ? s.ports[0] : undefined
  return only ? { port: only.port, https: (only.name ?? '').startsWith('https') } : null
}

/** The Services that look like Prometheus, most certain first, each once. */
export function prometheusCandidates(services: readonly ServiceSummary[]): PrometheusCandidate[] {
  const out: PrometheusCandidate[] = []
  const seen = new Set<string>()
  for (const rule of rules) {
    for (const s of [...services].sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))) {
      const key = `${s.namespace}/${s.name}`
      if (seen.has(key) || !rule.matches(s)) continue
      const port = pickPort(s, rule.ports)
      if (!port) continue
      seen.add(key)
      out.push({ namespace: s.namespace, name: s.name, port: port.port, https: port.https, why: rule.why })
    }
  }
  return out
}

/**
 * Where to look when the Services cannot be listed (RBAC may allow a get but not a cluster-wide
 * list): the usual names in the usual namespaces.
 */
export const wellKnownPrometheusServices: readonly { namespace: string; name: string }[] = [
  { namespace: 'istio-system', name: 'prometheus' },
  { namespace: 'monitoring', name: 'kube-prometheus-stack-prometheus' },
  { namespace: 'monitoring', name: 'prometheus-operated' },
  { namespace: 'monitoring', name: 'prometheus-k8s' },
  { namespace: 'monitoring', name: 'prometheus-server' },
  { namespace: 'prometheus', name: 'prometheus-server' },
  { namespace: 'default', name: 'prometheus-operated' },
]

/** The API server's service proxy path to one path of a candidate: /api/v1/namespaces/NS/services/[https:]NAME:PORT/proxy/PATH. */
export function serviceProxyPath(candidate: Pick<PrometheusCandidate, 'namespace' | 'name' | 'port' | 'https'>, path: string): string {
  const service = `${candidate.https ? 'https:' : ''}${candidate.name}:${candidate.port}`
  // Names are DNS labels (the API server validated them), so they go in as they are.
  return `/api/v1/namespaces/${candidate.namespace}/services/${service}/proxy${path.startsWith('/') ? path : `/${path}`}`
}

/** A Service object (as the API server sends it) as a summary; null when it has no name or namespace. */
export function serviceSummary(raw: unknown): ServiceSummary | null {
  const { metadata, spec } = Service.read(raw)
  if (!metadata.name || !metadata.namespace) return null
  return {
    namespace: metadata.namespace,
    name: metadata.name,
    labels: { ...(metadata.labels ?? {}) },
    ports: spec.ports.flatMap((p) => (p.port === undefined ? [] : [{ name: p.name ?? null, port: p.port }])),
  }
}
