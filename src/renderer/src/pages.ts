/** The pages of the app, in navigation order; the router, the sidebar and the palette read this. */
export interface PageDef {
  name: string
  path: string
  title: string
  /** A one-letter-ish glyph for the sidebar. */
  icon: string
  /** What this page will show, for its empty state and the palette. */
  description: string
}

export const pages: PageDef[] = [
  { name: 'clusters', path: '/clusters', title: 'Clusters', icon: '☸', description: 'Contexts from your kubeconfig, their connection state, and which one Meshdeck is looking at.' },
  { name: 'nodes', path: '/nodes', title: 'Nodes', icon: '▦', description: 'Nodes of the selected cluster: status, roles, version, capacity and conditions.' },
  { name: 'pods', path: '/pods', title: 'Pods', icon: '◉', description: 'Pods with phase, readiness, restarts, node and logs, live from the cluster.' },
  { name: 'workloads', path: '/workloads', title: 'Workloads', icon: '▤', description: 'Deployments, StatefulSets and DaemonSets with their rollout state, and Services.' },
  { name: 'topology', path: '/topology', title: 'Topology', icon: '⬡', description: 'The live service graph: services, versions and the traffic between them.' },
  { name: 'canary', path: '/canary', title: 'Canary', icon: '⇆', description: 'Weight sliders for subsets and one-click progressive rollouts with automatic rollback.' },
  { name: 'traces', path: '/traces', title: 'Traces', icon: '≋', description: 'Traces received over OTLP and Zipkin, searchable, with span timelines.' },
  { name: 'security', path: '/security', title: 'Security', icon: '◈', description: 'mTLS status per workload and port, certificates and their expiry, and policy conflicts.' },
  { name: 'control-plane', path: '/control-plane', title: 'Control plane', icon: '⚙', description: 'Connected xDS clients, SYNCED / STALE / NACKED per type, and what was last sent.' },
  { name: 'local-clusters', path: '/local-clusters', title: 'Local clusters', icon: '⌂', description: 'kind clusters and Docker-free clusters on this machine: create with progress, delete, load images, and a one-click mesh sandbox.' },
]

export function pageByName(name: string): PageDef {
  const page = pages.find((p) => p.name === name)
  if (!page) throw new Error(`unknown page ${name}`)
  return page
}
