/**
 * A synthetic mesh for the analysis benchmark: 1,000 services and 3,000 Istio objects in ten
 * namespaces, shaped like a real one (routes with matches and weights, subsets, workload
 * entries, mTLS and authorization policies), with a few mistakes planted so the analyzers have
 * findings to report, as a real mesh of that size would.
 */

export interface SyntheticMesh {
  /** One YAML text per namespace, multi-document. */
  files: { name: string; text: string }[]
  services: number
  objects: number
}

const namespaces = 10

export function syntheticMesh(services = 1000): SyntheticMesh {
  const docs = new Map<string, string[]>()
  const add = (ns: string, doc: string): void => {
    const list = docs.get(ns) ?? []
    list.push(doc)
    docs.set(ns, list)
  }
  let objects = 0
  const nsOf = (i: number): string => `ns${i % namespaces}`
  const host = (i: number): string => `svc-${i}.${nsOf(i)}.svc.cluster.local`
  // 30% of the services are split by version (a DestinationRule with v1/v2 and a VirtualService
  // routing between them, two WorkloadEntries); the others have one WorkloadEntry each.
  const routed = Math.round(services * 0.3)
  for (let i = 0; i < services; i++) {
    const ns = nsOf(i)
    add(
      ns,
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: svc-${i}, namespace: ${ns} }\nspec:\n  hosts: [${host(i)}]\n  location: MESH_INTERNAL\n  ports:\n    - { number: 9080, name: grpc, protocol: GRPC }\n  resolution: STATIC\n  workloadSelector:\n    labels: { app: svc-${i} }\n`,
    )
    objects++
    {
      for (const version of i < routed ? ['v1', 'v2'] : ['v1']) {
        add(
          ns,
          `apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: svc-${i}-${version}, namespace: ${ns} }\nspec:\n  address: 10.${Math.floor(i / 250)}.${i % 250}.${version === 'v1' ? 1 : 2}\n  ports: { grpc: ${20000 + i} }\n  labels: { app: svc-${i}, version: ${version} }\n  serviceAccount: svc-${i}\n`,
        )
        objects++
      }
    }
    if (i < routed) {
      add(
        ns,
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: svc-${i}, namespace: ${ns} }\nspec:\n  host: ${host(i)}\n  subsets:\n    - { name: v1, labels: { version: v1 } }\n    - { name: v2, labels: { version: v2 } }\n`,
      )
      // Every 50th route has its catch-all first (IST0130); every 40th a typo in a subset (IST0101).
      const subset2 = i % 40 === 7 ? 'v3' : 'v2'
      const catchAllFirst = i % 50 === 3
      const matched = `    - name: by-user\n      match:\n        - headers: { x-user: { exact: tester } }\n      route:\n        - destination: { host: ${host(i)}, subset: ${subset2} }\n`
      const split = `    - name: split\n      route:\n        - destination: { host: ${host(i)}, subset: v1 }\n          weight: 90\n        - destination: { host: ${host(i)}, subset: ${subset2} }\n          weight: 10\n      timeout: 3s\n      retries: { attempts: 2, retryOn: unavailable }\n`
      add(
        ns,
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: svc-${i}, namespace: ${ns} }\nspec:\n  hosts: [${host(i)}]\n  http:\n${catchAllFirst ? split + matched : matched + split}`,
      )
      objects += 2
    }
  }
  // Security: one namespace-wide PeerAuthentication per namespace (STRICT in half of them), then per-workload ones and
  // AuthorizationPolicies until the total is 3,000 objects (every 25th names a caller that does not exist).
  for (let n = 0; n < namespaces; n++) {
    add(`ns${n}`, `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: ns${n} }\nspec:\n  mtls: { mode: ${n % 2 === 0 ? 'STRICT' : 'PERMISSIVE'} }\n`)
    objects++
  }
  const target = Math.round(services * 3)
  for (let i = 0; objects < target; i++) {
    const ns = nsOf(i)
    if (i % 2 === 0) {
      add(ns, `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: svc-${i}, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: svc-${i} } }\n  mtls: { mode: PERMISSIVE }\n`)
    } else {
      const caller = i % 25 === 1 ? services + i : (i + 1) % services
      add(
        ns,
        `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: svc-${i}, namespace: ${ns} }\nspec:\n  selector: { matchLabels: { app: svc-${i} } }\n  action: ALLOW\n  rules:\n    - from:\n        - source: { principals: [cluster.local/ns/${nsOf(caller)}/sa/svc-${caller}] }\n`,
      )
    }
    objects++
  }
  const files = [...docs].map(([ns, list]) => ({ name: `${ns}.yaml`, text: list.join('---\n') }))
  return { files, services, objects }
}
