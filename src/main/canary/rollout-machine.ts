import type { Weights } from '@shared/canary/weights'
import type { CanaryTargetRef } from '@shared/contract/canary'
import { analyse, checkProblems, sourceConflict, type AnalysisThresholds, type AnalysisVerdict, type CanaryMetrics } from './analysis'

/**
 * The progressive rollout as a pure state machine: events in, new state and actions out. The
 * runner performs the actions (write weights, wait for ACKs, gather telemetry) and feeds back
 * events; because the state is plain data it is persisted after every step, so a restart resumes
 * from a known point instead of leaving weights half-way and unknown.
 */
export interface RolloutPlan {
  /** Canary percentages, ascending, e.g. [5, 10, 25, 50, 100]. */
  steps: number[]
  intervalSeconds: number
  analysis: AnalysisThresholds
  /**
   * How long a step may wait for every client to ACK its weights (Flagger's
   * progressDeadlineSeconds); default 60. A client that never ACKs cannot hold a rollout forever.
   */
  progressDeadlineSeconds?: number
  /** What happens past the deadline: pause (the default) or roll back. */
  onProgressDeadline?: 'pause' | 'rollback'
  /**
   * Where analysis reads: 'auto' (the default) uses Prometheus where there is one for the target
   * (a cluster's, or the URL set for the local demo) and the mesh's own telemetry otherwise;
   * 'mesh' is load reports and spans; 'prometheus' insists on Prometheus.
   */
  metricsFrom?: 'auto' | 'mesh' | 'prometheus'
}

export const defaultProgressDeadlineSeconds = 60

export const progressDeadlineOf = (plan: RolloutPlan): number => plan.progressDeadlineSeconds ?? defaultProgressDeadlineSeconds

/** Why a rollout rolled back: an analysis check, or clients that did not ACK in time. */
export type RolloutFailure =
  | Extract<AnalysisVerdict, { ok: false }>
  | { ok: false; metric: 'progressDeadline'; value: number; threshold: number; message: string }

export interface RolloutSpec {
  id: string
  /** The VirtualService host being shifted. */
  host: string
  stable: string
  canary: string
  /** Other destinations of the route; they get weight 0 while the rollout runs. */
  others: string[]
  plan: RolloutPlan
  /** The VirtualService route whose weights the rollout writes. */
  target: CanaryTargetRef
}

export type RolloutPhase = 'applying' | 'analysing' | 'paused' | 'promoted' | 'rolledBack' | 'aborted'

export interface TimelineEntry {
  at: number
  step: number
  canaryPercent: number
  what: 'applied' | 'acked' | 'passed' | 'failed' | 'paused' | 'resumed' | 'aborted' | 'promoted' | 'rolledBack' | 'resumedAfterRestart'
  detail?: string
  /** What the analysis window measured, on passed and failed entries. */
  metrics?: CanaryMetrics
}

export interface RolloutState {
  spec: RolloutSpec
  phase: RolloutPhase
  stepIndex: number
  /** Phase to return to when resumed. */
  pausedFrom?: 'applying' | 'analysing'
  failure?: RolloutFailure
  timeline: TimelineEntry[]
}

export type RolloutEvent =
  | { type: 'acked'; at: number }
  | { type: 'analysed'; at: number; metrics: CanaryMetrics }
  | { type: 'pause'; at: number }
  | { type: 'resume'; at: number }
  | { type: 'abort'; at: number }
  | { type: 'promoteNow'; at: number }
  | { type: 'restarted'; at: number }
  /** Waiting for ACKs or reading telemetry failed: hold the current weights and let a person decide. */
  | { type: 'operationFailed'; at: number; message: string }
  /** The step's progress deadline passed with these clients (node ids) still not ACKed. */
  | { type: 'progressDeadline'; at: number; pending: string[] }
  /**
   * The route's weights are no longer what the rollout last wrote: someone edited the file, another
   * Meshdeck or kubectl wrote the object. Judging a step on traffic the rollout did not set would
   * be a verdict on someone else's split, so it pauses and a person decides.
   */
  | { type: 'changedOutside'; at: number; found: Weights }

export type RolloutAction =
  | { type: 'applyWeights'; weights: Weights }
  | { type: 'awaitAck' }
  | { type: 'analyse'; windowSeconds: number }
  | { type: 'cancelPending' }

export interface Transition {
  state: RolloutState
  actions: RolloutAction[]
}

export const isFinished = (phase: RolloutPhase): boolean => phase === 'promoted' || phase === 'rolledBack' || phase === 'aborted'

export function weightsFor(spec: RolloutSpec, canaryPercent: number): Weights {
  const weights: Weights = {}
  for (const other of spec.others) weights[other] = 0
  weights[spec.stable] = 100 - canaryPercent
  weights[spec.canary] = canaryPercent
  return weights
}

export function currentPercent(state: RolloutState): number {
  if (state.phase === 'promoted') return 100
  if (state.phase === 'rolledBack' || state.phase === 'aborted') return 0
  return state.spec.plan.steps[state.stepIndex] ?? 0
}

/** Checks a plan before a rollout starts; returns the problems in words. */
export function planProblems(plan: RolloutPlan): string[] {
  const problems: string[] = []
  if (plan.steps.length === 0) problems.push('The plan has no steps.')
  plan.steps.forEach((step, i) => {
    if (!Number.isInteger(step) || step < 1 || step > 100) problems.push(`Step ${i + 1} is ${step}; steps are whole percentages from 1 to 100.`)
    if (i > 0 && step <= plan.steps[i - 1]!) problems.push(`Step ${i + 1} (${step}%) does not go above the step before it.`)
  })
  if (!(plan.intervalSeconds >= 1)) problems.push('The interval must be at least 1 second.')
  if (!(plan.analysis.maxErrorRate >= 0 && plan.analysis.maxErrorRate <= 1)) problems.push('The maximum error rate must be between 0 and 100 %.')
  if (!(plan.analysis.maxP99Ms > 0)) problems.push('The p99 latency limit must be above 0 ms.')
  if (!(Number.isInteger(plan.analysis.minRequests) && plan.analysis.minRequests >= 1)) problems.push('The minimum request count must be a whole number of at least 1.')
  if (plan.progressDeadlineSeconds !== undefined && !(plan.progressDeadlineSeconds >= 1)) problems.push('The progress deadline must be at least 1 second.')
  problems.push(...checkProblems(plan.analysis.checks))
  if ((plan.analysis.checks?.length ?? 0) > 0 && plan.metricsFrom === 'mesh') problems.push('PromQL checks need Prometheus, but the plan reads only the mesh (load reports and spans).')
  return problems
}

export function startRollout(spec: RolloutSpec, at: number): Transition {
  const state: RolloutState = { spec, phase: 'applying', stepIndex: 0, timeline: [] }
  return applyStep(state, at, 'applied')
}

export function reduceRollout(state: RolloutState, event: RolloutEvent): Transition {
  if (isFinished(state.phase)) return { state, actions: [] }
  switch (event.type) {
    case 'acked':
      if (state.phase !== 'applying') return { state, actions: [] }
      return {
        state: log({ ...state, phase: 'analysing' }, event.at, 'acked'),
        actions: [{ type: 'analyse', windowSeconds: state.spec.plan.intervalSeconds }],
      }
    case 'analysed': {
      if (state.phase !== 'analysing') return { state, actions: [] }
      // Numbers it does not have (no data, Prometheus gone, a query refused) decide nothing.
      if (event.metrics.unavailable) return pause(state, event.at, `Paused: ${event.metrics.unavailable}`, event.metrics)
      // Two sources that contradict each other: one is wrong (forged spans, a broken exporter), so
      // neither promoting nor rolling back is a decision on facts. A person looks, then resumes.
      const conflict = sourceConflict(event.metrics, state.spec.plan.analysis)
      if (conflict) return pause(state, event.at, `Paused: ${conflict}`, event.metrics)
      const verdict = analyse(event.metrics, state.spec.plan.analysis)
      if (!verdict.ok) {
        const failed = log({ ...state, failure: verdict }, event.at, 'failed', verdict.message, event.metrics)
        return finish(failed, event.at, 'rolledBack', verdict.message)
      }
      const passed = log(state, event.at, 'passed', undefined, event.metrics)
      const next = state.stepIndex + 1
      if (next >= state.spec.plan.steps.length) return finish(passed, event.at, 'promoted')
      return applyStep({ ...passed, stepIndex: next }, event.at, 'applied')
    }
    case 'progressDeadline': {
      if (state.phase !== 'applying') return { state, actions: [] }
      const seconds = progressDeadlineOf(state.spec.plan)
      const message = `No ACK within the ${seconds} s progress deadline from ${clientList(event.pending)}.`
      if (state.spec.plan.onProgressDeadline === 'rollback') {
        return finish({ ...state, failure: { ok: false, metric: 'progressDeadline', value: seconds, threshold: seconds, message } }, event.at, 'rolledBack', message)
      }
      return pause(state, event.at, `Paused: ${message}`)
    }
    case 'changedOutside':
      if (state.phase !== 'applying' && state.phase !== 'analysing') return { state, actions: [] }
      return pause(state, event.at, `Paused: the route was changed outside the rollout (it now has ${describeWeights(event.found)}). Resume writes the rollout's step again; abort sends all traffic to ${state.spec.stable}.`)
    case 'pause':
    case 'operationFailed':
      if (state.phase === 'paused') return { state, actions: [] }
      return pause(state, event.at, event.type === 'operationFailed' ? `Paused: ${event.message}` : undefined)
    case 'resume':
      if (state.phase !== 'paused') return { state, actions: [] }
      // Re-apply the current step: weights may have been edited by hand while paused.
      return applyStep({ ...state, pausedFrom: undefined }, event.at, 'resumed')
    case 'restarted':
      // After a Meshdeck restart nothing in flight is trusted: write the step again and wait for ACKs.
      if (state.phase === 'paused') return { state, actions: [] }
      return applyStep(state, event.at, 'resumedAfterRestart')
    case 'abort':
      return finish(state, event.at, 'aborted', 'Aborted by the user; all traffic back on the stable subset.')
    case 'promoteNow':
      return finish(state, event.at, 'promoted', 'Promoted by the user.')
  }
}

function pause(state: RolloutState, at: number, detail?: string, metrics?: CanaryMetrics): Transition {
  return {
    state: log({ ...state, phase: 'paused', pausedFrom: state.phase as 'applying' | 'analysing' }, at, 'paused', detail, metrics),
    actions: [{ type: 'cancelPending' }],
  }
}

const describeWeights = (weights: Weights): string =>
  Object.entries(weights)
    .map(([key, weight]) => `${key} ${weight}`)
    .join(', ') || 'no weights'

/** Whether the route's weights are the ones the rollout wrote (a subset missing from either counts as 0). */
export function sameWeights(a: Weights, b: Weights): boolean {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((key) => (a[key] ?? 0) === (b[key] ?? 0))
}

/** Node ids for a message, at most ten of them: a thousand stuck clients must not make a megabyte of text. */
function clientList(nodeIds: string[]): string {
  if (nodeIds.length === 0) return 'a client that left before it could be named'
  const shown = nodeIds.slice(0, 10).join(', ')
  return nodeIds.length > 10 ? `${shown} and ${nodeIds.length - 10} more` : shown
}

function applyStep(state: RolloutState, at: number, what: TimelineEntry['what']): Transition {
  const percent = state.spec.plan.steps[state.stepIndex] ?? 100
  return {
    state: log({ ...state, phase: 'applying' }, at, what),
    actions: [{ type: 'cancelPending' }, { type: 'applyWeights', weights: weightsFor(state.spec, percent) }, { type: 'awaitAck' }],
  }
}

function finish(state: RolloutState, at: number, phase: 'promoted' | 'rolledBack' | 'aborted', detail?: string): Transition {
  const percent = phase === 'promoted' ? 100 : 0
  const done: RolloutState = { ...state, phase, pausedFrom: undefined }
  return {
    state: { ...done, timeline: [...done.timeline, { at, step: state.stepIndex, canaryPercent: percent, what: phase, detail }] },
    actions: [{ type: 'cancelPending' }, { type: 'applyWeights', weights: weightsFor(state.spec, percent) }, { type: 'awaitAck' }],
  }
}

function log(state: RolloutState, at: number, what: TimelineEntry['what'], detail?: string, metrics?: CanaryMetrics): RolloutState {
  const entry: TimelineEntry = { at, step: state.stepIndex, canaryPercent: currentPercent(state), what }
  if (detail !== undefined) entry.detail = detail
  if (metrics !== undefined) entry.metrics = metrics
  return { ...state, timeline: [...state.timeline, entry] }
}
