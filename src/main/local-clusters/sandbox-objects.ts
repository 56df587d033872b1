import { parseAllDocuments } from 'yaml'

/**
 * The Kubernetes objects of the mesh sandbox. On the Docker-free cluster the demo's workloads run
 * as local processes, so each becomes a Service without selector, a Pod that carries its labels
 * (DestinationRule subsets select on the labels of the Pods endpoints point at; the Pod is never
 * scheduled) and an EndpointSlice naming 127.0.0.1 and the port the process bound. The demo's
 * routing and policy go in as Istio objects. Pure.
 */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [field: string]: unknown
}

export interface PlacedWorkload {
  name: string
  role: string
  version: string
  port: number
  pid: number | null
}

export const sandboxNamespace = 'demo'
export const sandboxServicePort = 9080
/** Marks everything the sandbox wrote, so it can be found (and told apart from a user's objects). */
export const sandboxLabel = { 'app.kubernetes.io/managed-by': 'meshdeck-sandbox' } as const
/** No scheduler claims these Pods: they describe processes on this machine, not containers to run. */
export const localProcessScheduler = 'meshdeck-local-process'

export function processSandboxObjects(workloads: readonly PlacedWorkload[], endpointSliceVersion: 'v1' | 'v1beta1'): KubeObject[] {
  const namespace = sandboxNamespace
  const roles = [...new Set(workloads.map((w) => w.role))].sort()
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...sandboxLabel } } }]
  for (const role of roles) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: role, namespace, labels: { ...sandboxLabel, app: role } },
      // No selector: the endpoints are written here, not derived from running Pods.
      spec: { ports: [{ name: 'grpc', port: sandboxServicePort, protocol: 'TCP', targetPort: sandboxServicePort }] },
    })
  }
  for (const w of workloads) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: w.name,
        namespace,
        labels: { ...sandboxLabel, app: w.role, version: w.version },
        annotations: { 'meshdeck.io/local-process': `${w.pid === null ? 'a process' : `pid ${w.pid}`} on 127.0.0.1:${w.port}, run by Meshdeck (this cluster has no kubelet)` },
      },
      spec: { schedulerName: localProcessScheduler, containers: [{ name: w.role, image: 'meshdeck/demo-workload:local-process' }] },
    })
    // The same endpoint shape in v1 and v1beta1 (they differ only in topology/zone, unused here).
    const endpoint = { addresses: ['127.0.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: w.name, namespace } }
    objects.push({
      apiVersion: `discovery.k8s.io/${endpointSliceVersion}`,
      kind: 'EndpointSlice',
      metadata: {
        name: w.name,
        namespace,
        labels: { ...sandboxLabel, 'kubernetes.io/service-name': w.role, 'endpointslice.kubernetes.io/managed-by': 'meshdeck.io' },
      },
      addressType: 'IPv4',
      // One slice per process: a slice's ports apply to all its endpoints, and each process has its own port.
      ports: [{ name: 'grpc', port: w.port, protocol: 'TCP' }],
      endpoints: [endpoint],
    })
  }
  return objects
}

/** The demo's Istio config without its ServiceEntries/WorkloadEntries (the cluster's Services take their place). */
export function sandboxIstioObjects(yamlTexts: readonly string[]): KubeObject[] {
  const out: KubeObject[] = []
  for (const text of yamlTexts) {
    for (const doc of parseAllDocuments(text)) {
      const obj = doc.toJS() as KubeObject | null
      if (!obj?.kind || !obj.metadata?.name) continue
      if (obj.kind === 'ServiceEntry' || obj.kind === 'WorkloadEntry') continue
      out.push({ ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...sandboxLabel } } })
    }
  }
  return out
}

const plurals: Record<string, string> = {
  Namespace: 'namespaces',
  Service: 'services',
  Pod: 'pods',
  EndpointSlice: 'endpointslices',
  Deployment: 'deployments',
  ConfigMap: 'configmaps',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
  PeerAuthentication: 'peerauthentications',
  AuthorizationPolicy: 'authorizationpolicies',
  ServiceEntry: 'serviceentries',
  WorkloadEntry: 'workloadentries',
}

/** The REST path of an object (for server-side apply). */
export function objectPath(obj: KubeObject): string {
  const plural = plurals[obj.kind]
  if (!plural) throw new Error(`no REST path known for kind ${obj.kind}`)
  const base = obj.apiVersion.includes('/') ? `/apis/${obj.apiVersion}` : `/api/${obj.apiVersion}`
  const ns = obj.metadata.namespace ? `/namespaces/${obj.metadata.namespace}` : ''
  return `${base}${ns}/${plural}/${obj.metadata.name}`
}

/** A demo workload as the kind sandbox deploys it (the shape of the demo's own workload list). */
export interface SandboxWorkloadSpec {
  name: string
  role: string
  version: string
  serves: boolean
  upstreams: readonly string[]
}

/**
 * The demo on kind: each workload a Deployment of the demo workload image (one replica, serving on
 * its pod IP, port 9080), its xDS bootstrap in a ConfigMap, and a Service per role selecting
 * `app`; Kubernetes makes the EndpointSlices. Pure.
 */
export function kindSandboxObjects(input: { image: string; workloads: readonly SandboxWorkloadSpec[]; bootstraps: Readonly<Record<string, string>>; rps: number }): KubeObject[] {
  const namespace = sandboxNamespace
  const objects: KubeObject[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...sandboxLabel } } }]
  for (const role of [...new Set(input.workloads.filter((w) => w.serves).map((w) => w.role))].sort()) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: role, namespace, labels: { ...sandboxLabel, app: role } },
      spec: { selector: { app: role }, ports: [{ name: 'grpc', port: sandboxServicePort, targetPort: sandboxServicePort, protocol: 'TCP' }] },
    })
  }
  for (const w of input.workloads) {
    const labels = { app: w.role, version: w.version }
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${w.name}-xds-bootstrap`, namespace, labels: { ...sandboxLabel, ...labels } },
      data: { 'bootstrap.json': input.bootstraps[w.name] ?? '' },
    })
    const args = ['--workload', w.name, '--role', w.role, '--version', w.version, '--proto', '/app/resources/demo/protos/demo.proto']
    for (const upstream of w.upstreams) args.push('--upstream', `${upstream}=xds:///${upstream}.${namespace}.svc.cluster.local:${sandboxServicePort}`)
    // $(POD_IP) is expanded by the kubelet from the env below: each server binds its own pod IP only.
    if (w.serves) args.push('--port', String(sandboxServicePort), '--server', 'xds', '--host', '$(POD_IP)')
    else args.push('--rps', String(input.rps))
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, namespace, labels: { ...sandboxLabel, ...labels } },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: w.role,
                image: input.image,
                // Loaded into the nodes with `kind load docker-image`, never pulled.
                imagePullPolicy: 'IfNotPresent',
                args,
                env: [
                  { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
                  { name: 'GRPC_XDS_BOOTSTRAP', value: '/etc/meshdeck/bootstrap.json' },
                  { name: 'GRPC_XDS_EXPERIMENTAL_RBAC', value: 'true' },
                ],
                ...(w.serves ? { ports: [{ name: 'grpc', containerPort: sandboxServicePort }] } : {}),
                volumeMounts: [{ name: 'xds-bootstrap', mountPath: '/etc/meshdeck', readOnly: true }],
              },
            ],
            volumes: [{ name: 'xds-bootstrap', configMap: { name: `${w.name}-xds-bootstrap` } }],
          },
        },
      },
    })
  }
  return objects
}
