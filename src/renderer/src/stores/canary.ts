import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { z } from 'zod'
import type { CanaryTarget, CanaryTargetRef, RolloutStateDto, canaryApplyResultSchema, canaryPreviewSchema, rolloutPlanSchema } from '@shared/contract/canary'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'

type Preview = z.infer<typeof canaryPreviewSchema>
type ApplyResult = z.infer<typeof canaryApplyResultSchema>
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>

const sameRef = (a: CanaryTargetRef, b: CanaryTargetRef): boolean =>
  (a.context ?? null) === (b.context ?? null) && a.namespace === b.namespace && a.name === b.name && JSON.stringify(a.route) === JSON.stringify(b.route)

/**
 * Canary targets of one source (the local mesh folder, or a connected cluster context), the weight
 * editor's preview/apply, and rollouts of every source. Events only: rollout.changed carries each
 * rollout's state (and means weights moved); nothing here is polled.
 */
export const useCanaryStore = defineStore('canary', () => {
  const targets = ref<CanaryTarget[]>([])
  const loaded = ref(false)
  const error = ref<PresentedError | null>(null)
  const rollouts = ref<RolloutStateDto[]>([])
  /** null: the local mesh folder; otherwise a kubeconfig context's name. */
  const source = ref<string | null>(null)
  /** Contexts Meshdeck is connected to: the clusters whose VirtualServices can be edited. */
  const contexts = ref<string[]>([])

  const targetsParams = (): { context?: string } => (source.value === null ? {} : { context: source.value })

  async function load(): Promise<void> {
    try {
      const [t, r, c] = await Promise.all([call('canary.targets', targetsParams()), call('rollout.list', {}), call('clusters.connections', {})])
      targets.value = t.targets
      rollouts.value = r.rollouts
      contexts.value = c.filter((x) => x.state === 'connected').map((x) => x.context)
      error.value = null
    } catch (err) {
      targets.value = []
      error.value = presentError(err)
    }
    loaded.value = true
  }

  async function selectSource(next: string | null): Promise<void> {
    source.value = next
    loaded.value = false
    await load()
  }

  async function preview(target: CanaryTargetRef, weights: Record<string, number>): Promise<Preview> {
    return call('canary.preview', { target, weights })
  }

  async function apply(target: CanaryTargetRef, weights: Record<string, number>, baseVersion: string): Promise<ApplyResult> {
    const result = await call('canary.apply', { target, weights, baseVersion })
    if (result.outcome === 'applied') await load()
    return result
  }

  async function startRollout(target: CanaryTargetRef, stable: string, canary: string, plan: RolloutPlan): Promise<void> {
    upsert(await call('rollout.start', { target, stable, canary, plan }))
  }

  async function control(id: string, action: 'pause' | 'resume' | 'abort' | 'promoteNow'): Promise<void> {
    upsert(await call('rollout.control', { id, action }))
  }

  function upsert(state: RolloutStateDto): void {
    const index = rollouts.value.findIndex((r) => r.spec.id === state.spec.id)
    if (index === -1) rollouts.value = [state, ...rollouts.value]
    // A timeline only grows: a shorter one is older news (rollout.start's answer can arrive after
    // the events of the steps that followed it) and must not put the page back in time.
    else if (state.timeline.length >= rollouts.value[index]!.timeline.length) rollouts.value.splice(index, 1, state)
  }

  /** Follows rollouts while the calling page is mounted (call in its setup), and loads the page's data. */
  function follow(): void {
    const subs = useSubscriptions()
    const refreshTargets = (): void =>
      void call('canary.targets', targetsParams())
        .then((t) => (targets.value = t.targets))
        .catch(() => undefined)
    subs.on('rollout.changed', (state) => {
      upsert(state)
      // Weights moved on disk: refresh the editor's view of them.
      refreshTargets()
    })
    // The served config changed (a rollout's final write, a hand edit of the file): the editor
    // shows what the route holds now. Local routes only; a cluster's come with rollout events.
    subs.on('controlPlane.changed', () => {
      if (source.value === null) refreshTargets()
    })
    void load()
  }

  const rolloutFor = (ref: CanaryTargetRef): RolloutStateDto | undefined => rollouts.value.find((r) => sameRef(r.spec.target, ref))

  return { targets, loaded, error, rollouts, source, contexts, load, follow, selectSource, preview, apply, startRollout, control, rolloutFor, history: computed(() => rollouts.value) }
})
