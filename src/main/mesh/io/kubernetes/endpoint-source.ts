import type { Informer, KubeClient } from '../../../cluster/io'
import { trackDisposable } from '../../../lib/disposable'
import { collectionPath, EndpointSlice, Endpoints, Pod, Service } from '../../../model'
import type { MeshProblem } from '../../problems'
import type { MeshEndpointSource, MeshEndpointsUpdate, MeshSourceInfo } from '../../source'
import { ApiDiscovery } from './api-discovery'
import type { KubeEndpointSet, KubePodInfo, KubeServiceInfo } from '../../kubernetes/model'
import { readEndpointSet, readPod, readService } from '../../kubernetes/read-objects'
import { defaultClusterDomain, kubernetesServices } from '../../kubernetes/services'
import { WatchedKinds } from './watched-kinds'

export interface KubeEndpointSourceOptions {
  client: KubeClient
  /** The kubeconfig context, for messages. */
  context: string
  clusterDomain?: string
  onChange: (update: MeshEndpointsUpdate) => void
  debounceMs?: number
}

/**
 * Kubernetes Services and their ready endpoints, from informers on Services, EndpointSlices
 * (discovery.k8s.io v1, or v1beta1 on 1.17–1.20; core/v1 Endpoints where neither is served) and
 * Pods (their labels are what DestinationRule subsets select). Pods are kept as labels and service
 * account only. One update per settled change, and none for a change that alters no endpoint.
 */
export class KubeEndpointSource implements MeshEndpointSource {
  private readonly kinds: WatchedKinds
  private services: Informer<KubeServiceInfo> | undefined
  private endpointSets: Informer<KubeEndpointSet> | undefined
  private pods: Informer<KubePodInfo> | undefined
  private endpointsApi = ''
  private state: MeshEndpointsUpdate = { version: 0, services: [], problems: [] }
  private fingerprint = ''

  constructor(private readonly options: KubeEndpointSourceOptions) {
    this.kinds = new WatchedKinds(options.client, () => this.rebuild(), options.debounceMs ?? 100)
    trackDisposable(this)
  }

  async start(): Promise<void> {
    const discovery = new ApiDiscovery(this.options.client)
    const slices = await discovery.resolve(EndpointSlice.group, EndpointSlice.plural, EndpointSlice.versions)
    // EndpointSlices list pods once per slice; Endpoints (one object per Service) are the fallback.
    const endpoints = slices ?? { path: collectionPath(Endpoints, null) }
    this.endpointsApi = slices ? `EndpointSlices (discovery.k8s.io/${slices.version})` : 'Endpoints (v1; EndpointSlices are not served)'
    const kind = slices ? 'EndpointSlice' : 'Endpoints'
    this.services = this.kinds.watch('Services', collectionPath(Service, null), readService)
    this.endpointSets = this.kinds.watch(kind === 'EndpointSlice' ? 'EndpointSlices' : 'Endpoints', endpoints.path, (o) => readEndpointSet({ ...o, kind }))
    this.pods = this.kinds.watch('Pods', collectionPath(Pod, null), readPod)
    await this.kinds.firstAnswers()
    this.rebuild()
  }

  current(): MeshEndpointsUpdate {
    return this.state
  }

  info(): MeshSourceInfo {
    return { kind: 'cluster', name: this.options.context, detail: `Services, ${this.endpointsApi} and Pods of context "${this.options.context}".` }
  }

  async refresh(): Promise<void> {
    this.kinds.flush()
  }

  private rebuild(): void {
    if (!this.services || !this.endpointSets || !this.pods) return
    const services = kubernetesServices(
      { services: this.services.store.values(), endpointSets: this.endpointSets.store.values(), pods: this.pods.store.values() },
      this.options.clusterDomain ?? defaultClusterDomain,
    )
    const problems: MeshProblem[] = this.kinds.problems()
    const fingerprint = JSON.stringify(services)
    const problemsChanged = JSON.stringify(problems) !== JSON.stringify(this.state.problems)
    if (fingerprint === this.fingerprint && !problemsChanged && this.state.version > 0) return
    const version = fingerprint === this.fingerprint && this.state.version > 0 ? this.state.version : this.state.version + 1
    this.fingerprint = fingerprint
    this.state = { version, services, problems }
    this.options.onChange(this.state)
  }

  dispose(): void {
    this.kinds.dispose()
  }
}
