import { lineDiff } from '@shared/canary/line-diff'
import { weightProblems, type Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import type { CanaryTarget, CanaryTargetRef, canaryApplyResultSchema, canaryPreviewSchema } from '@shared/contract/canary'
import type { z } from 'zod'
import { clusterCanaryTargets } from '../../cluster/cluster-targets'
import type { IstioApi } from './istio-api'
import { withRouteWeights } from '../../cluster/route-weights'
import { reviewYaml, type ClusterVirtualService, type HttpRoute, type ManagedFieldsEntry } from '../../cluster/virtual-service-object'

type Preview = z.infer<typeof canaryPreviewSchema>
type ApplyResult = z.infer<typeof canaryApplyResultSchema>

/** Previews kept so a conflict can show what the user based the edit on; old ones fall off. */
const keptPreviews = 50

/**
 * Weight edits on one cluster's VirtualServices by server-side apply (field manager `meshdeck`).
 * Only spec.http is sent, copied from the live object with the chosen route's weights changed, so
 * every other field — Meshdeck's or not, modelled or not — stays as it is and keeps its owner.
 */
export class ClusterCanaryEditor {
  private readonly previews = new Map<string, ClusterVirtualService>()

  constructor(
    readonly context: string,
    private readonly api: IstioApi,
    /** What the UI says about how a rollout step waits on this cluster (asked each time: the control plane may start or stop). */
    private readonly propagation: () => string,
  ) {}

  async targets(): Promise<CanaryTarget[]> {
    const [services, rules] = await Promise.all([this.api.listVirtualServices(), this.api.listDestinationRules()])
    return clusterCanaryTargets(this.context, services, rules, this.propagation())
  }

  async preview(ref: CanaryTargetRef, weights: Weights): Promise<Preview> {
    const { live, target } = await this.load(ref)
    const problems = weightProblems(weights, allowedKeys(target))
    if (target.ownedBy) problems.unshift({ subset: null, message: `${target.label} is managed elsewhere: ${target.ownedBy}`, hint: 'Meshdeck leaves it alone.' })
    const current = reviewYaml(live)
    const proposed = problems.length === 0 ? reviewYaml(withHttp(live, withRouteWeights(live.spec?.http ?? [], ref.route, weights, target.host))) : current
    this.remember(live)
    return { diff: lineDiff(current, proposed), problems, baseVersion: live.metadata.resourceVersion }
  }

  /** The VirtualService as it would be with these weights (nothing is written): the mesh analysis checks it first. */
  async proposal(ref: CanaryTargetRef, weights: Weights): Promise<{ current: ClusterVirtualService; proposed: ClusterVirtualService }> {
    const { live, target } = await this.load(ref)
    return { current: live, proposed: withHttp(live, withRouteWeights(live.spec?.http ?? [], ref.route, weights, target.host)) }
  }

  async apply(ref: CanaryTargetRef, weights: Weights, baseVersion?: string): Promise<ApplyResult> {
    return (await this.write(ref, weights, baseVersion)).result
  }

  /**
   * Validates, then applies. `baseVersion` is the resourceVersion the user previewed; without it
   * (a rollout step) the edit is based on the object as read just now.
   */
  async write(ref: CanaryTargetRef, weights: Weights, baseVersion?: string): Promise<{ result: ApplyResult; stored?: ClusterVirtualService }> {
    const { live, target } = await this.load(ref)
    if (target.ownedBy) throw new MeshdeckError('owned_by_controller', `${target.label} is managed elsewhere: ${target.ownedBy}`, 'Meshdeck leaves it alone; nothing was written.')
    const problems = weightProblems(weights, allowedKeys(target))
    if (problems.length > 0) {
      throw new MeshdeckError('invalid_weights', problems.map((p) => p.message).join(' '), `${problems[0]!.hint} Nothing was written.`)
    }
    const base = baseVersion ?? live.metadata.resourceVersion
    if (live.metadata.resourceVersion !== base) return { result: this.conflict(ref, weights, target, base, live) }

    const config: ClusterVirtualService = {
      apiVersion: await this.api.apiVersion(),
      kind: 'VirtualService',
      // The resourceVersion makes the apply conditional: the server refuses it (409) if the object
      // is no longer the version the edit was computed from, so nothing written meanwhile is lost.
      metadata: { name: ref.name, namespace: ref.namespace, resourceVersion: base },
      spec: { http: withRouteWeights(live.spec?.http ?? [], ref.route, weights, target.host) },
    }
    let outcome = await this.api.apply(config, false)
    let note: string | undefined
    if ('refused' in outcome && outcome.refused === 'managers') {
      // spec.http is one atomic list on a preserve-unknown-fields CRD, so whoever created the
      // object (kubectl's client-side apply, a plain create, another tool) owns all of it and any
      // weight change conflicts with them. Forcing is safe here, and only here, because the apply
      // still carries the resourceVersion precondition: the server takes ownership only if the
      // object is exactly the version the user previewed (or the rollout just read), so no change
      // anyone made meanwhile can be overwritten. If it moved on, the forced apply fails with 409
      // and the user sees both versions. The note tells the user which manager gave up spec.http.
      const previous = outcome.managers
      outcome = await this.api.apply(config, true)
      note = `spec.http was managed by ${previous.join(', ')}; Meshdeck now manages it (nothing had changed since version ${base}, which the edit was based on).`
    }
    if ('refused' in outcome) {
      const now = await this.api.getVirtualService(ref.namespace, ref.name)
      return { result: this.conflict(ref, weights, target, base, now) }
    }
    return { result: note ? { outcome: 'applied', version: outcome.metadata.resourceVersion, note } : { outcome: 'applied', version: outcome.metadata.resourceVersion }, stored: outcome }
  }

  private conflict(ref: CanaryTargetRef, weights: Weights, target: CanaryTarget, base: string, now: ClusterVirtualService): ApplyResult {
    const based = this.previews.get(key(this.context, ref, base))
    const changedBy = changedManagers(based, now)
    const who = changedBy.length > 0 ? ` by ${changedBy.join(', ')}` : ''
    return {
      outcome: 'conflict',
      message: `${ref.namespace}/${ref.name} was changed in the cluster${who} since you previewed it (version ${base}, now ${now.metadata.resourceVersion}); your weights were not written.`,
      base: based ? reviewYaml(based) : null,
      current: reviewYaml(now),
      proposed: reviewYaml(withHttp(now, withRouteWeights(now.spec?.http ?? [], ref.route, weights, target.host))),
      version: now.metadata.resourceVersion,
    }
  }

  private async load(ref: CanaryTargetRef): Promise<{ live: ClusterVirtualService; target: CanaryTarget }> {
    const [live, rules] = await Promise.all([this.api.getVirtualService(ref.namespace, ref.name), this.api.listDestinationRules()])
    const target = clusterCanaryTargets(this.context, [live], rules, this.propagation()).find((t) => JSON.stringify(t.ref.route) === JSON.stringify(ref.route))
    if (!target) {
      throw new MeshdeckError('unknown_target', `${ref.namespace}/${ref.name} has no splittable route ${JSON.stringify(ref.route)}.`, 'Reload the Canary page; the VirtualService may have changed.')
    }
    return { live, target }
  }

  private remember(object: ClusterVirtualService): void {
    const k = `${this.context}/${object.metadata.namespace}/${object.metadata.name}@${object.metadata.resourceVersion}`
    this.previews.delete(k)
    this.previews.set(k, object)
    while (this.previews.size > keptPreviews) this.previews.delete(this.previews.keys().next().value!)
  }
}

const key = (context: string, ref: CanaryTargetRef, version: string): string => `${context}/${ref.namespace}/${ref.name}@${version}`

function withHttp(object: ClusterVirtualService, http: HttpRoute[]): ClusterVirtualService {
  return { ...object, spec: { ...object.spec, http } }
}

/** Field managers whose entries are new or newer than in the version the edit was based on. */
function changedManagers(base: ClusterVirtualService | undefined, now: ClusterVirtualService): string[] {
  // Times have one-second resolution, so the fields an entry owns are compared too.
  const entryKey = (f: ManagedFieldsEntry): string => `${f.manager}/${f.operation}/${f.time}/${JSON.stringify(f.fieldsV1)}`
  const before = new Set((base?.metadata.managedFields ?? []).map(entryKey))
  const changed = (now.metadata.managedFields ?? []).filter((f) => !before.has(entryKey(f))).map((f) => f.manager ?? '?')
  return base ? [...new Set(changed)] : []
}

function allowedKeys(target: CanaryTarget): string[] {
  return [...new Set([...target.subsets, ...target.destinations.map((d) => d.key)])]
}
