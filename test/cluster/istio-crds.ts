import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ApiextensionsV1Api, type KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node'
import { parseAllDocuments } from 'yaml'

/** The Istio mesh-config CRDs Meshdeck ships (resources/istio/crds.yaml). */
export function istioCrds(): V1CustomResourceDefinition[] {
  const text = readFileSync(join(__dirname, '../../resources/istio/crds.yaml'), 'utf8')
  return parseAllDocuments(text).map((doc) => doc.toJS() as V1CustomResourceDefinition).filter((crd) => crd?.kind === 'CustomResourceDefinition')
}

/**
 * Installs Istio's CRDs in a test cluster and waits until the apiserver serves every one of them
 * (Established), so a test can create VirtualServices right after.
 */
export async function installIstioCrds(kc: KubeConfig, timeoutMs = 30_000): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api)
  const crds = istioCrds()
  for (const crd of crds) {
    try {
      await api.createCustomResourceDefinition({ body: crd })
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err
    }
  }
  const deadline = Date.now() + timeoutMs
  for (const crd of crds) {
    const name = crd.metadata?.name as string
    for (;;) {
      const current = await api.readCustomResourceDefinition({ name })
      if (current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break
      if (Date.now() > deadline) throw new Error(`CRD ${name} not Established after ${timeoutMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
