import type { MtlsStatusDto, XdsClient } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import type { MeshSnapshot } from '../../mesh'
import type { ControlPlane } from '../../xds/io'
import { MeshSecurityModel } from '../mesh-security'
import { buildMtlsStatus, edgeMtls, workloadOfClient } from '../mtls-status'
import type { SecurityService } from './security-service'

/** A caller as the topology names it (TrafficSource in telemetry). */
export type EdgeSource = { workload: { namespace: string; name: string } } | { service: string } | 'unknown'

/**
 * Connects the CA side to a running control plane: every config version the control plane pushes
 * carries TLS and RBAC derived from that same snapshot's PeerAuthentication, DestinationRule TLS and
 * AuthorizationPolicy, and the Security page's conflicts and status follow each applied version.
 */
export class MeshSecurityBinding implements Disposable {
  private model: MeshSecurityModel | null = null
  private readonly subscription: Disposable

  private constructor(
    private readonly security: SecurityService,
    private readonly plane: ControlPlane,
    private readonly trustDomain: string,
    private readonly rootNamespace: string | undefined,
  ) {
    this.plane.setSecurity((snapshot) => this.modelFor(snapshot).meshSecurity())
    this.subscription = this.plane.onEvent((event) => {
      if (event.kind === 'applied') this.publishPolicies()
    })
    this.publishPolicies()
    trackDisposable(this)
  }

  /** Turns mesh security on for a control plane (one push now, then with every config change). */
  static async bind(security: SecurityService, plane: ControlPlane, options: { rootNamespace?: string } = {}): Promise<MeshSecurityBinding> {
    // A damaged CA must not stop the control plane: its certificates fail on their own, with their error.
    const trustDomain = await security.trustDomain().catch(() => security.defaultTrustDomain())
    return new MeshSecurityBinding(security, plane, trustDomain, options.rootNamespace)
  }

  private modelFor(snapshot: MeshSnapshot): MeshSecurityModel {
    if (this.model?.snapshot !== snapshot) this.model = new MeshSecurityModel(snapshot, { trustDomain: this.trustDomain, rootNamespace: this.rootNamespace })
    return this.model
  }

  private publishPolicies(): void {
    const model = this.modelFor(this.plane.snapshot())
    this.security.setMeshPolicies(model.input, model.proxylessConflicts())
  }

  /** security.mtlsStatus */
  status(): MtlsStatusDto {
    const model = this.modelFor(this.plane.snapshot())
    return buildMtlsStatus({
      model,
      certificates: this.security.certificateDtos(),
      clients: this.plane.clients(),
      calls: this.plane.loadStats(),
      conflicts: this.security.conflicts().conflicts,
      trustDomain: this.trustDomain,
    })
  }

  /**
   * For the topology feed's EdgeStatsInput.mtls: whether calls from `source` to a service (subset)
   * are mutual TLS now; null when unknown (caller not identified, config not yet acknowledged, or
   * ports that differ).
   */
  mtlsForEdge(edge: { source: EdgeSource; destinationHost: string; subset: string | null }): boolean | null {
    if (edge.source === 'unknown' || !('workload' in edge.source)) return null
    const { namespace, name } = edge.source.workload
    const clients: XdsClient[] = this.plane.clients()
    const caller = clients.find((c) => workloadOfClient(c) === `${namespace}/${name}`)
    const model = this.modelFor(this.plane.snapshot())
    const service = model.services.find((s) => s.host === edge.destinationHost)
    if (!caller || !service) return null
    const answers = new Set(service.ports.map((p) => edgeMtls(model, clients, { caller: caller.nodeId, host: service.host, port: p.number, subset: edge.subset }).mtls))
    return answers.size === 1 ? [...answers][0]! : null
  }

  dispose(): void {
    this.subscription.dispose()
    this.plane.setSecurity(null)
  }
}
