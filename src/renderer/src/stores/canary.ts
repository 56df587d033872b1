import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { z } from 'zod'
import type { CanaryTarget, CanaryTargetRef, RolloutStateDto, canaryApplyResultSchema, canaryPreviewSchema, rolloutPlanSchema } from '@shared/contract/canary'
import { ApiCallError, call, on } from '../api/client'

type Preview = z.infer<typeof canaryPreviewSchema>
type ApplyResult = z.infer<typeof canaryApplyResultSchema>
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>

const sameRef = (a: CanaryTargetRef, b: CanaryTargetRef): boolean => JSON.stringify(a) === JSON.stringify(b)

/** Canary targets, the weight editor's preview/apply, and rollouts (live through events). */
export const useCanaryStore = defineStore('canary', () => {
  const targets = ref<CanaryTarget[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)
  const rollouts = ref<RolloutStateDto[]>([])

  async function load(): Promise<void> {
    try {
      const [t, r] = await Promise.all([call('canary.targets', {}), call('rollout.list', {})])
      targets.value = t.targets
      rollouts.value = r.rollouts
      error.value = null
    } catch (err) {
      error.value = describe(err)
    }
    loaded.value = true
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
    else rollouts.value.splice(index, 1, state)
  }

  on('rollout.changed', (state) => {
    upsert(state)
    // Weights moved on disk: refresh the editor's view of them.
    void call('canary.targets', {}).then((t) => (targets.value = t.targets))
  })

  const rolloutFor = (ref: CanaryTargetRef): RolloutStateDto | undefined => rollouts.value.find((r) => sameRef(r.spec.target, ref))

  return { targets, loaded, error, rollouts, load, preview, apply, startRollout, control, rolloutFor, history: computed(() => rollouts.value) }
})

export function describe(err: unknown): string {
  return err instanceof ApiCallError ? `${err.error.message}${err.error.hint ? ` ${err.error.hint}` : ''}` : String(err)
}
