import { stringify } from 'yaml'

/** Plain Istio YAML documents for tests, written the way a person would write them. */
export function serviceEntryYaml(opts: { name: string; host: string; port: number; namespace?: string; labels?: Record<string, string> }): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'ServiceEntry',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'demo' },
    spec: {
      hosts: [opts.host],
      location: 'MESH_INTERNAL',
      resolution: 'STATIC',
      ports: [{ number: opts.port, name: 'grpc', protocol: 'GRPC' }],
      workloadSelector: { labels: opts.labels ?? { app: opts.name } },
    },
  }
}

export function workloadEntryYaml(opts: { name: string; app: string; version?: string; address?: string; port: number; namespace?: string; locality?: string; weight?: number }): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'WorkloadEntry',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'demo' },
    spec: {
      address: opts.address ?? '127.0.0.1',
      ports: { grpc: opts.port },
      labels: { app: opts.app, ...(opts.version ? { version: opts.version } : {}) },
      ...(opts.locality ? { locality: opts.locality } : {}),
      ...(opts.weight ? { weight: opts.weight } : {}),
    },
  }
}

export function destinationRuleYaml(opts: { name: string; host: string; subsets: string[]; namespace?: string; trafficPolicy?: Record<string, unknown> }): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'demo' },
    spec: {
      host: opts.host,
      ...(opts.trafficPolicy ? { trafficPolicy: opts.trafficPolicy } : {}),
      subsets: opts.subsets.map((version) => ({ name: version, labels: { version } })),
    },
  }
}

export function virtualServiceYaml(opts: { name: string; hosts: string[]; http: Record<string, unknown>[]; namespace?: string }): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: opts.name, namespace: opts.namespace ?? 'demo' },
    spec: { hosts: opts.hosts, http: opts.http },
  }
}

/** `reviews` (namespace demo) with subsets v1 and v2, each one WorkloadEntry on the given port. */
export function reviewsTwoVersionsYaml(ports: { v1: number; v2: number }): Record<string, unknown>[] {
  return [
    serviceEntryYaml({ name: 'reviews', host: 'reviews.demo.svc.cluster.local', port: 9080 }),
    workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', version: 'v1', port: ports.v1 }),
    workloadEntryYaml({ name: 'reviews-v2', app: 'reviews', version: 'v2', port: ports.v2 }),
    destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'] }),
  ]
}

/** The `reviews` VirtualService sending `v1Weight` % to v1 and the rest to v2. */
export function reviewsSplitYaml(v1Weight: number): Record<string, unknown>[] {
  return [virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: v1Weight }, { destination: { host: 'reviews', subset: 'v2' }, weight: 100 - v1Weight }] }] })]
}

export function toYaml(docs: Record<string, unknown>[]): string {
  return docs.map((doc) => stringify(doc)).join('---\n')
}
