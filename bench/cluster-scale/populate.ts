import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node'
import { nodeObject, runningStatus } from '../../test/cluster'

/** Runs `fn` over `items` with at most `limit` in flight (the apiserver shares two cores with us). */
export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++
        await fn(items[i] as T, i)
      }
    }),
  )
}

export function podBody(name: string, namespace: string, node: string, app: string): V1Pod {
  return {
    metadata: { name, namespace, labels: { app, churn: '0' } },
    spec: { nodeName: node, containers: [{ name: 'app', image: `registry.example/${app}:1.0`, ports: [{ containerPort: 8080 }] }, { name: 'proxy', image: 'envoy:1.30' }] },
  }
}

/** Nodes, namespaces and Running pods spread over the nodes, written through the real API. */
export async function populate(kc: KubeConfig, nodes: number, pods: number, namespaces: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api)
  const nodeNames = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(4, '0')}`)
  await pool(nodeNames, 16, async (name) => {
    const body = nodeObject(name, { role: 'worker' })
    const created = await core.createNode({ body })
    created.status = body.status
    await core.replaceNodeStatus({ name, body: created })
  })
  const nsNames = Array.from({ length: namespaces }, (_, i) => `team-${i}`)
  for (const name of nsNames) await core.createNamespace({ body: { metadata: { name } } })
  let ip = 0
  await pool(
    Array.from({ length: pods }, (_, i) => i),
    24,
    async (i) => {
      const ns = nsNames[i % namespaces] as string
      const created = await core.createNamespacedPod({ namespace: ns, body: podBody(`app-${i}`, ns, nodeNames[i % nodes] as string, `svc-${i % 50}`) })
      ip++
      created.status = runningStatus(created, `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`)
      await core.replaceNamespacedPodStatus({ name: created.metadata?.name ?? '', namespace: ns, body: created })
    },
  )
}
