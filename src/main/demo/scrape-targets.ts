import { demoNamespace, type DemoWorkloadSpec } from './topology'

/** One entry of a Prometheus file-based service discovery file (file_sd_configs): addresses and their target labels. */
export interface FileSdGroup {
  targets: string[]
  labels: Record<string, string>
}

/** The job name Prometheus scrapes the demo under (the file's groups carry it as a label). */
export const demoScrapeJob = 'meshdeck-demo'

/**
 * The demo's /metrics addresses as a file_sd file's groups, one per workload, labelled the way
 * Kubernetes service discovery labels a pod (namespace, pod, app, version), so dashboards and
 * relabelling written for a cluster work on the demo too. Istio's own labels come in the samples.
 */
export function demoScrapeTargets(placed: readonly { spec: DemoWorkloadSpec; host: string; metricsPort: number }[]): FileSdGroup[] {
  return placed.map(({ spec, host, metricsPort }) => ({
    targets: [`${host}:${metricsPort}`],
    labels: { job: demoScrapeJob, namespace: demoNamespace, pod: spec.name, app: spec.role, version: spec.version },
  }))
}

/** The file's text: a JSON array, as Prometheus reads it. */
export function renderFileSd(groups: readonly FileSdGroup[]): string {
  return `${JSON.stringify(groups, null, 2)}\n`
}
