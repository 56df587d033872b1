import { promises as fs } from 'node:fs'
import { parseAllDocuments } from 'yaml'
import { KubeRequestError, type KubeClient } from '../../cluster/io'
import { objectPath, type KubeObject } from '../sandbox-objects'
import { findResource } from './resources'

export const fieldManager = 'meshdeck-sandbox'

/**
 * Server-side apply (beta and on by default since 1.16, GA in 1.22): the same call creates or
 * updates, so a sandbox run twice leaves the objects as one run would.
 */
export async function applyObject(client: KubeClient, obj: KubeObject): Promise<void> {
  await client.json('PATCH', `${objectPath(obj)}?fieldManager=${fieldManager}&force=true`, obj, 'application/apply-patch+yaml')
}

/** discovery.k8s.io/v1 from 1.21, v1beta1 on 1.17–1.20. */
export async function endpointSliceVersion(client: KubeClient): Promise<'v1' | 'v1beta1'> {
  const group = await client.json<{ versions?: { version: string }[] }>('GET', '/apis/discovery.k8s.io')
  const versions = (group.versions ?? []).map((v) => v.version)
  if (versions.includes('v1')) return 'v1'
  if (versions.includes('v1beta1')) return 'v1beta1'
  throw new Error('the API server serves no EndpointSlices (discovery.k8s.io)')
}

interface Crd {
  kind?: string
  metadata?: { name?: string }
}

/** The Istio mesh-config CRDs Meshdeck ships (resources/istio/crds.yaml). */
export async function istioCrds(): Promise<Crd[]> {
  const text = await fs.readFile(findResource('istio/crds.yaml'), 'utf8')
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Crd)
    .filter((crd) => crd?.kind === 'CustomResourceDefinition')
}

/**
 * Installs the CRDs as the JSON they are (a generated client would drop
 * x-kubernetes-preserve-unknown-fields and the server would prune every spec), then waits until
 * each is Established. Returns how many were new.
 */
export async function installIstioCrds(client: KubeClient, signal: AbortSignal, timeoutMs = 60_000): Promise<number> {
  const crds = await istioCrds()
  let created = 0
  for (const crd of crds) {
    try {
      await client.json('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)
      created++
    } catch (err) {
      if (!(err instanceof KubeRequestError && err.status === 409)) throw err
    }
  }
  const deadline = Date.now() + timeoutMs
  for (const crd of crds) {
    const name = crd.metadata?.name ?? ''
    for (;;) {
      if (signal.aborted) return created
      const current = await client.json<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established after ${timeoutMs / 1000} s`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  return created
}
