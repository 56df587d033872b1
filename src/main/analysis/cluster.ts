/**
 * What the analysis of a cluster can say when its user may not list everything. Services, their
 * endpoints and Pods tell which hosts, subsets and workloads exist: without them a route to a real
 * service would look like one to nowhere. So the analyzers that read them are left out (never a
 * false Error) and the user is told what was not checked.
 */

/** The lists (as readClusterMesh names them) without which services, endpoints and workloads are unknown. */
export const inventoryLists: readonly string[] = ['Services', 'EndpointSlices', 'Endpoints', 'Pods']

/** Analyzers that read Services, endpoints or Pods (hosts, subsets, workloads, identities). */
const inventoryAnalyzers: readonly string[] = [
  'virtualservice.DestinationHostAnalyzer',
  'virtualservice.DestinationRuleAnalyzer',
  'virtualservice.RouteWeightAnalyzer',
  'destinationrule.SubsetSelectPodAnalyzer',
  'destinationrule.MultipleDestinationRulesAnalyzer',
  'serviceentry.WorkloadSelectorAnalyzer',
  'auth.AuthorizationPoliciesAnalyzer',
  'auth.PrincipalAnalyzer',
  'peerauthentication.SelectorAnalyzer',
  'auth.MTLSAnalyzer',
]

/** Codes of analyzers that run anyway whose finding needs the Services: proxyless validation's "host no service has". */
const inventoryCodes: readonly string[] = ['MDK0004']

/** Analyzers that read which namespaces exist. */
const namespaceAnalyzers: readonly string[] = ['auth.AuthorizationPoliciesAnalyzer']

export interface ClusterAnalysisPlan {
  /** The analyzers to run, by name; undefined: all. */
  analyzers: string[] | undefined
  /** Codes to leave out of what the analyzers that run find (they need what could not be read). */
  withoutCodes: string[]
  /** What could not be checked and why, in words; null when everything was. */
  note: string | null
}

/**
 * Which analyzers can run on a cluster read that missed `unlisted` lists (forbidden or not served),
 * from `all` (every analyzer's name), and the note that says what was left out.
 */
export function clusterAnalysisPlan(all: readonly string[], unlisted: readonly string[], context: string): ClusterAnalysisPlan {
  const blindToInventory = unlisted.filter((label) => inventoryLists.includes(label))
  const blindToNamespaces = unlisted.includes('Namespaces')
  const skipped = new Set<string>([...(blindToInventory.length > 0 ? inventoryAnalyzers : []), ...(blindToNamespaces ? namespaceAnalyzers : [])])
  const parts: string[] = []
  if (blindToInventory.length > 0) {
    parts.push(
      `${blindToInventory.join(', ')} of context "${context}" could not be listed, so destination hosts and subsets, endpoints, workload selectors, principals and mTLS were not checked.`,
    )
  } else if (blindToNamespaces) {
    parts.push(`Namespaces of context "${context}" could not be listed, so the namespaces AuthorizationPolicies name were not checked.`)
  }
  const others = unlisted.filter((label) => !inventoryLists.includes(label) && label !== 'Namespaces')
  if (others.length > 0) parts.push(`${others.join(', ')} could not be listed, so they were not analysed.`)
  if (parts.length > 0) parts.push('Grant list on them to the kubeconfig user to check everything.')
  return {
    analyzers: skipped.size > 0 ? all.filter((name) => !skipped.has(name)) : undefined,
    withoutCodes: blindToInventory.length > 0 ? [...inventoryCodes] : [],
    note: parts.length > 0 ? parts.join(' ') : null,
  }
}
