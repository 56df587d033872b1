import { readFileSync } from 'node:fs'
import { request, type RequestOptions } from 'node:https'
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
    // Posted as the JSON it is: the generated client serializes by its own attribute names and
    // would silently drop `x-kubernetes-preserve-unknown-fields`, and the server would then prune
    // every spec to {}.
    const status = await postJson(kc, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)
    if (status !== 201 && status !== 409) throw new Error(`creating CRD ${crd.metadata?.name} answered HTTP ${status}`)
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

async function postJson(kc: KubeConfig, path: string, body: unknown): Promise<number> {
  const server = kc.getCurrentCluster()?.server ?? ''
  const opts: RequestOptions = { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' } }
  await kc.applyToHTTPSOptions(opts)
  return new Promise<number>((resolve, reject) => {
    const req = request(new URL(path, server), opts, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}
