import { MeshdeckError, type PrometheusEndpoint } from '@shared/contract'
import type { KubeClient } from '../../../cluster/io'
import { KubeRequestError } from '../../../cluster/io'
import { collectionPath, readListPage, Service } from '../../../model'
import { PrometheusAnswerError, prometheusCandidates, serviceSummary, wellKnownPrometheusServices, type PrometheusCandidate, type ServiceSummary } from '../../prometheus'
import { PrometheusClient, serviceProxyTransport } from './prometheus-client'

export interface DiscoveryAttempt {
  service: string
  why: string
  outcome: string
}

export interface Discovered {
  client: PrometheusClient
  endpoint: PrometheusEndpoint
  attempts: DiscoveryAttempt[]
}

/**
 * The Services that could be Prometheus: every Service in the cluster when the user may list them
 * (one request), else the well-known names one by one (a `get` is often allowed where a list is not).
 */
async function candidateServices(client: KubeClient): Promise<ServiceSummary[]> {
  try {
    const page = readListPage(await client.json<unknown>('GET', collectionPath(Service, null)))
    return page.items.map(serviceSummary).filter((s): s is ServiceSummary => s !== null)
  } catch (err) {
    if (!(err instanceof KubeRequestError) || (err.status !== 403 && err.status !== 401)) throw err instanceof KubeRequestError ? client.explain(err) : err
  }
  const found: ServiceSummary[] = []
  for (const { namespace, name } of wellKnownPrometheusServices) {
    try {
      const summary = serviceSummary(await client.json<unknown>('GET', `${collectionPath(Service, namespace)}/${name}`))
      if (summary) found.push(summary)
    } catch {
      // absent or forbidden: not this one
    }
  }
  return found
}

/**
 * Finds a context's Prometheus as Lens and Headlamp do: the Services that look like it (Istio's
 * add-on, kube-prometheus-stack, the Operator's Service, …), each asked for its build info through
 * the API server's service proxy, most certain first. The first that answers as Prometheus wins;
 * every attempt is kept so the user sees what was tried and why it failed.
 */
export async function discoverPrometheus(client: KubeClient, context: string, signal?: AbortSignal): Promise<Discovered> {
  const candidates = prometheusCandidates(await candidateServices(client))
  const attempts: DiscoveryAttempt[] = []
  for (const candidate of candidates) {
    const prometheus = new PrometheusClient(serviceProxyTransport(client, context, candidate))
    const service = `${candidate.namespace}/${candidate.name}:${candidate.port}`
    try {
      const version = await prometheus.buildInfo(signal)
      attempts.push({ service, why: candidate.why, outcome: `answered as Prometheus ${version}` })
      return { client: prometheus, endpoint: endpointOf(context, candidate, version), attempts }
    } catch (err) {
      attempts.push({ service, why: candidate.why, outcome: err instanceof PrometheusAnswerError || err instanceof MeshdeckError ? err.message : String(err) })
    }
  }
  throw notFound(context, attempts)
}

export function endpointOf(context: string, candidate: PrometheusCandidate, version: string | null): PrometheusEndpoint {
  return {
    context,
    url: null,
    service: { namespace: candidate.namespace, name: candidate.name, port: candidate.port },
    how: 'discovered',
    why: `${candidate.why} (${candidate.namespace}/${candidate.name}), through the API server's service proxy`,
    version,
  }
}

function notFound(context: string, attempts: DiscoveryAttempt[]): MeshdeckError {
  const tried = attempts.length === 0 ? 'no Service looks like Prometheus (istio-system/prometheus, kube-prometheus-stack, prometheus-operated, …)' : attempts.map((a) => `${a.service} (${a.why}): ${a.outcome}`).join('; ')
  return Object.assign(
    new MeshdeckError('prometheus_not_found', `No Prometheus answers in ${context}: ${tried}.`, 'Install one (Istio ships samples/addons/prometheus.yaml), or give its URL in the Prometheus URL field of the Topology page.'),
    { attempts },
  )
}
