import { MeshdeckError } from '@shared/contract'
import { KubeRequestError, type KubeClient } from '../../../cluster/io'
import { ApiDiscovery } from '../../../mesh/io'
import { asObjects, collectionPath, istioKinds, readIstioResource, type KindInfo } from '../../../model'
import type { ClusterDestinationRule, ClusterVirtualService } from '../../cluster/virtual-service-object'

/** The field manager every Meshdeck write uses, so `managedFields` says who set the weights. */
export const fieldManager = 'meshdeck'

const { VirtualService, DestinationRule } = istioKinds
const group = VirtualService.group

/** Why an apply was refused: the object moved on, or another field manager owns what we change. */
export type ApplyRefusal = { refused: 'modified' } | { refused: 'managers'; managers: string[]; message: string }

/**
 * Istio's networking objects in one cluster, over the context's own client (its credentials stay
 * in main). The served version is discovered, since clusters run Istio releases that serve v1,
 * v1beta1 or only v1alpha3.
 */
export class IstioApi {
  private version: Promise<string> | undefined

  constructor(private readonly client: KubeClient) {}

  async listVirtualServices(): Promise<ClusterVirtualService[]> {
    const list = await this.request<{ items?: unknown }>('GET', await this.collection(VirtualService))
    const apiVersion = await this.apiVersion()
    return asObjects(list.items).map((item) => readIstioResource(item, 'VirtualService', apiVersion))
  }

  async listDestinationRules(namespace?: string): Promise<ClusterDestinationRule[]> {
    const list = await this.request<{ items?: unknown }>('GET', await this.collection(DestinationRule, namespace))
    const apiVersion = await this.apiVersion()
    return asObjects(list.items).map((item) => readIstioResource(item, 'DestinationRule', apiVersion))
  }

  async getVirtualService(namespace: string, name: string): Promise<ClusterVirtualService> {
    const path = await this.objectPath(namespace, name)
    let answer: unknown
    try {
      answer = await this.client.json<unknown>('GET', path)
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) {
        throw new MeshdeckError('unknown_target', `There is no VirtualService ${namespace}/${name} in the cluster at ${this.client.server}.`, 'Reload the Canary page; it may have been deleted or renamed.')
      }
      throw this.client.explain(err)
    }
    return readIstioResource(answer, 'VirtualService', await this.apiVersion())
  }

  /**
   * Server-side apply of a partial VirtualService. Returns the stored object, or why the server
   * refused it (a resourceVersion precondition that no longer holds, or field-manager conflicts).
   */
  async apply(config: ClusterVirtualService, force: boolean): Promise<ClusterVirtualService | ApplyRefusal> {
    const path = `${await this.objectPath(config.metadata.namespace, config.metadata.name)}?fieldManager=${fieldManager}&force=${force}`
    let stored: unknown
    try {
      stored = await this.client.json<unknown>('PATCH', path, JSON.stringify(config), 'application/apply-patch+yaml')
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 409) {
        const managers = [...err.detail.matchAll(/conflicts? with "([^"]+)"/g)].map((m) => m[1]!)
        return managers.length > 0 ? { refused: 'managers', managers: [...new Set(managers)], message: err.detail } : { refused: 'modified' }
      }
      throw this.client.explain(err)
    }
    return readIstioResource(stored, 'VirtualService', config.apiVersion)
  }

  /**
   * Sets one annotation with a merge patch (field manager meshdeck, operation Update). Kept apart
   * from the weight applies on purpose: an apply that left the annotation out would make the
   * server remove it, and an annotation write must never carry spec.http along.
   */
  async setAnnotation(namespace: string, name: string, key: string, value: string): Promise<ClusterVirtualService> {
    const path = `${await this.objectPath(namespace, name)}?fieldManager=${fieldManager}`
    let stored: unknown
    try {
      stored = await this.client.json<unknown>('PATCH', path, JSON.stringify({ metadata: { annotations: { [key]: value } } }), 'application/merge-patch+json')
    } catch (err) {
      if (err instanceof KubeRequestError && err.status === 404) {
        throw new MeshdeckError('unknown_target', `The VirtualService ${namespace}/${name} no longer exists in the cluster at ${this.client.server}.`, 'Recreate it, or abort the rollout.')
      }
      throw this.client.explain(err)
    }
    return readIstioResource(stored, 'VirtualService', await this.apiVersion())
  }

  private async request<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    try {
      return await this.client.json<T>(method, path, body, contentType)
    } catch (err) {
      throw this.client.explain(err)
    }
  }

  private async objectPath(namespace: string, name: string): Promise<string> {
    return `${await this.collection(VirtualService, namespace)}/${encodeURIComponent(name)}`
  }

  private async collection(kind: KindInfo, namespace?: string): Promise<string> {
    return collectionPath(kind, namespace ?? null, await this.servedVersion())
  }

  /** Discovered the way the mesh's config source does it, so both read the same version. */
  private servedVersion(): Promise<string> {
    this.version ??= new ApiDiscovery(this.client)
      .resolve(group, VirtualService.plural, VirtualService.versions)
      .then((served) => {
        if (served) return served.version
        throw new MeshdeckError(
          'istio_crds_missing',
          `The cluster at ${this.client.server} has no ${group} API (Istio's CRDs are not installed).`,
          'Install Istio, or only its CRDs: kubectl apply -f resources/istio/crds.yaml.',
        )
      })
      .catch((err: unknown) => {
        this.version = undefined
        throw err instanceof MeshdeckError ? err : this.client.explain(err)
      })
    return this.version
  }

  /** The apiVersion to write objects in. */
  async apiVersion(): Promise<string> {
    return `${group}/${await this.servedVersion()}`
  }
}
