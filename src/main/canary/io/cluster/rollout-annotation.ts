import { rolloutStateSchema } from '@shared/contract/canary'
import type { RolloutState } from '../../rollout-machine'
import type { RolloutPersistence, RolloutStore } from '../rollout-store'
import type { IstioApi } from './istio-api'
import { rolloutAnnotation, type ClusterVirtualService } from '../../cluster/virtual-service-object'

/** Annotations share 256 KiB per object; a rollout keeps its last entries, which is what a resume needs. */
const maxTimeline = 200

export function encodeRolloutState(state: RolloutState): string {
  return JSON.stringify({ ...state, timeline: state.timeline.slice(-maxTimeline) })
}

/** The rollout an annotation holds, or why it cannot be read (anyone can edit an annotation). */
export function decodeRolloutState(text: string): RolloutState | { problem: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { problem: `the ${rolloutAnnotation} annotation is not JSON` }
  }
  const parsed = rolloutStateSchema.safeParse(json)
  if (!parsed.success) return { problem: `the ${rolloutAnnotation} annotation is not a rollout: ${parsed.error.issues[0]?.message ?? ''}` }
  // The schema checks every field the machine reads; the timeline's `what` is a plain string there.
  return parsed.data as RolloutState
}

/** Every rollout recorded on the cluster's VirtualServices, plus the ones that could not be read. */
export function rolloutsOn(services: ClusterVirtualService[]): { rollouts: RolloutState[]; unreadable: string[] } {
  const rollouts: RolloutState[] = []
  const unreadable: string[] = []
  for (const vs of services) {
    const text = vs.metadata.annotations?.[rolloutAnnotation]
    if (text === undefined) continue
    const decoded = decodeRolloutState(text)
    if ('problem' in decoded) unreadable.push(`${vs.metadata.namespace}/${vs.metadata.name}: ${decoded.problem}`)
    else rollouts.push(decoded)
  }
  return { rollouts, unreadable }
}

/**
 * Cluster rollouts keep their state on the VirtualService they drive (annotation
 * meshdeck.io/rollout), written before each step's weights, so whoever opens the cluster next —
 * this Meshdeck after a restart, or another — finds the step the weights belong to. The local
 * store keeps a copy as history (and to know which clusters to look at on start).
 */
export class AnnotatedRolloutStore implements RolloutPersistence {
  constructor(
    private readonly local: RolloutStore,
    private readonly api: (context: string) => Promise<IstioApi>,
  ) {}

  async save(state: RolloutState): Promise<void> {
    const { context, namespace, name } = state.spec.target
    if (context) await (await this.api(context)).setAnnotation(namespace, name, rolloutAnnotation, encodeRolloutState(state))
    await this.local.save(state)
  }

  load(id: string): Promise<RolloutState | undefined> {
    return this.local.load(id)
  }

  list(): Promise<{ rollouts: RolloutState[]; unreadable: string[] }> {
    return this.local.list()
  }

  active(): Promise<RolloutState[]> {
    return this.local.active()
  }
}
