import { KubeRequestError, type KubeClient } from '../../../cluster/io'
import { collectionPath, EndpointSlice, Endpoints, Namespace, Pod, readListPage, Service, type JsonObject } from '../../../model'
import type { KubeInventory, KubePodInfo, KubernetesService } from '../../kubernetes/model'
import { readEndpointSet, readPod, readService } from '../../kubernetes/read-objects'
import { defaultClusterDomain, kubernetesServices } from '../../kubernetes/services'
import type { MeshObject } from '../../model'
import type { MeshProblem } from '../../problems'
import { toMeshObject } from '../../to-mesh-object'
import { ApiDiscovery } from './api-discovery'
import { istioResources } from './crd-source'

/** A cluster's mesh, read once: its Istio objects, Services with their endpoints, Pods and namespaces. */
export interface ClusterMesh {
  objects: MeshObject[]
  services: KubernetesService[]
  pods: KubePodInfo[]
  /** Null when namespaces may not be listed (then nobody can tell which exist). */
  namespaces: string[] | null
  /** Kinds that could not be read (forbidden, not served), objects that could not be read: warnings. */
  problems: MeshProblem[]
  /** The lists that may not be read or are not served (e.g. "Pods"): what the analysis cannot see. */
  unlisted: string[]
}

/** Every item of a collection, page by page (the API server's limit/continue). */
async function listAll(client: KubeClient, path: string): Promise<JsonObject[]> {
  const items: JsonObject[] = []
  let token = ''
  do {
    const query = new URLSearchParams({ limit: '500' })
    if (token) query.set('continue', token)
    const page = readListPage(await client.json<unknown>('GET', `${path}?${query}`))
    items.push(...page.items)
    token = page.metadata.continue ?? ''
  } while (token)
  return items
}

/**
 * A cluster's mesh as one snapshot would hold it, read with plain lists (no watch): what `meshdeck
 * analyze --context` and a would-be check of a cluster edit analyse. A kind the user may not list
 * becomes a warning and the rest is read; a cluster that does not answer throws (with its hint).
 */
export async function readClusterMesh(client: KubeClient, context: string, clusterDomain = defaultClusterDomain): Promise<ClusterMesh> {
  const problems: MeshProblem[] = []
  const unlisted: string[] = []
  const discovery = new ApiDiscovery(client)
  /** A list that may be forbidden (or vanish): a warning, and nothing of it. */
  const tryList = async (label: string, path: string): Promise<JsonObject[] | null> => {
    try {
      return await listAll(client, path)
    } catch (err) {
      if (err instanceof KubeRequestError && (err.status === 403 || err.status === 404)) {
        unlisted.push(label)
        problems.push({
          severity: 'warning',
          message: `${label} of context "${context}" ${err.status === 403 ? 'may not be listed by this user' : 'are not served'}, so they are not analysed.`,
          hint: err.status === 403 ? `Grant list on ${label} to the kubeconfig user, or analyse the files instead.` : 'Nothing to do if the cluster does not use them.',
        })
        return null
      }
      throw client.explain(err)
    }
  }

  const objects: MeshObject[] = []
  for (const resource of istioResources) {
    const served = await discovery.resolve(resource.group, resource.plural, resource.versions).catch((err: unknown) => {
      throw client.explain(err)
    })
    if (!served) {
      problems.push({
        severity: 'warning',
        message: `Context "${context}" serves no ${resource.kind} (${resource.group} ${resource.versions.join(', ')}), so there are none to analyse.`,
        hint: "Install Istio's CRDs if the mesh should have them.",
      })
      continue
    }
    const apiVersion = `${served.group}/${served.version}`
    for (const item of (await tryList(`${resource.kind}s`, served.path)) ?? []) {
      const converted = toMeshObject({ ...item, kind: resource.kind, apiVersion })
      if ('object' in converted) objects.push(converted.object)
      else if ('problem' in converted) problems.push(converted.problem)
    }
  }

  const slices = await discovery.resolve(EndpointSlice.group, EndpointSlice.plural, EndpointSlice.versions)
  const endpointKind = slices ? 'EndpointSlice' : 'Endpoints'
  const services = (await tryList('Services', collectionPath(Service, null))) ?? []
  const endpointSets = (await tryList(slices ? 'EndpointSlices' : 'Endpoints', slices?.path ?? collectionPath(Endpoints, null))) ?? []
  const pods = ((await tryList('Pods', collectionPath(Pod, null))) ?? []).map(readPod)
  const namespaces = await tryList('Namespaces', collectionPath(Namespace, null))
  const inventory: KubeInventory = {
    services: services.map(readService),
    endpointSets: endpointSets.map((o) => readEndpointSet({ ...o, kind: endpointKind })),
    pods,
  }
  return {
    objects,
    services: kubernetesServices(inventory, clusterDomain),
    pods,
    namespaces: namespaces ? namespaces.map((n) => Namespace.read(n).metadata.name) : null,
    problems,
    unlisted,
  }
}
