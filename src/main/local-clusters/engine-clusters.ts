import type { LocalCluster, LocalClusterState } from '@shared/contract'

/** The labels kind puts on every node container (pkg/cluster/internal/providers/docker/constants.go). */
export const kindClusterLabel = 'io.x-k8s.kind.cluster'
export const kindRoleLabel = 'io.x-k8s.kind.role'
/** The API server's port inside a control-plane or load-balancer container (common.APIServerInternalPort). */
export const apiServerInternalPort = 6443

/** The part of the Engine API's ContainerSummary (GET /containers/json) read here. */
export interface ContainerSummary {
  Id: string
  Names?: string[]
  Image?: string
  State?: string
  Created?: number
  Labels?: Record<string, string>
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[]
}

export interface KindClusterView {
  /** The kubeconfig context Meshdeck lists the cluster under, if its entries are known. */
  contextOf(name: string): { context: string; kubeconfig: 'meshdeck' | 'merged' } | null
  /** Clusters with a create or delete under way. */
  busy(name: string): 'creating' | 'deleting' | null
}

/**
 * kind clusters from the engine's containers: grouped by io.x-k8s.kind.cluster, a node per
 * container with its io.x-k8s.kind.role, the API port from the 6443/tcp mapping (the external load
 * balancer's when there are several control planes). Pure.
 */
export function kindClustersFromContainers(containers: readonly ContainerSummary[], view: KindClusterView): LocalCluster[] {
  const byCluster = new Map<string, ContainerSummary[]>()
  for (const c of containers) {
    const name = c.Labels?.[kindClusterLabel]
    if (!name) continue
    byCluster.set(name, [...(byCluster.get(name) ?? []), c])
  }
  return [...byCluster.entries()]
    .map(([name, members]) => {
      const nodes = members
        .map((c) => ({
          name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
          role: c.Labels?.[kindRoleLabel] ?? 'unknown',
          state: c.State ?? 'unknown',
          image: c.Image ?? null,
        }))
        .sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.name.localeCompare(b.name))
      const running = nodes.filter((n) => n.state === 'running').length
      const engineState: LocalClusterState = running === nodes.length ? 'running' : running === 0 ? 'stopped' : 'partial'
      const known = view.contextOf(name)
      const created = members.map((c) => c.Created).filter((t): t is number => typeof t === 'number')
      return {
        name,
        provider: 'kind' as const,
        state: view.busy(name) ?? engineState,
        context: known?.context ?? null,
        kubeconfig: known?.kubeconfig ?? ('none' as const),
        server: apiServerOf(members),
        nodes,
        components: [],
        runsPods: true,
        kubernetesVersion: nodes.map((n) => versionOfImage(n.image)).find((v) => v !== null) ?? null,
        createdAt: created.length > 0 ? new Date(Math.min(...created) * 1000).toISOString() : null,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
}

function roleOrder(role: string): number {
  return role === 'external-load-balancer' ? 0 : role === 'control-plane' ? 1 : 2
}

function apiServerOf(members: readonly ContainerSummary[]): string | null {
  const byRole = (role: string): ContainerSummary[] => members.filter((c) => c.Labels?.[kindRoleLabel] === role)
  for (const c of [...byRole('external-load-balancer'), ...byRole('control-plane')]) {
    const mapping = c.Ports?.find((p) => p.PrivatePort === apiServerInternalPort && p.Type === 'tcp' && p.PublicPort)
    if (!mapping?.PublicPort) continue
    const ip = !mapping.IP || mapping.IP === '0.0.0.0' ? '127.0.0.1' : mapping.IP === '::' ? '[::1]' : mapping.IP.includes(':') ? `[${mapping.IP}]` : mapping.IP
    return `https://${ip}:${mapping.PublicPort}`
  }
  return null
}

/** kindest/node:v1.31.0@sha256:… → v1.31.0. */
export function versionOfImage(image: string | null): string | null {
  if (!image) return null
  const match = /:(v\d+\.\d+\.\d+[^@]*)/.exec(image)
  return match?.[1] ?? null
}

/** An Engine API event (GET /events, EventMessage) that may change what the list shows. */
export function isKindContainerEvent(event: { Type?: string; Action?: string; Actor?: { Attributes?: Record<string, string> } }): boolean {
  if (event.Type !== 'container' || !event.Actor?.Attributes?.[kindClusterLabel]) return false
  return ['create', 'start', 'stop', 'die', 'kill', 'destroy', 'pause', 'unpause', 'restart', 'rename'].includes(event.Action ?? '')
}
