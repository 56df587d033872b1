import type { z } from 'zod'
import { appEvents, appMethods } from './app'
import { clusterEvents, clusterMethods } from './clusters'
import { demoEvents, demoMethods } from './demo'
import { logEvents, logMethods, resourceEvents, resourceMethods } from './resources'
import { topologyEvents, topologyMethods } from './topology'
import { meshEvents, meshMethods } from './mesh'
import { traceEvents, traceMethods } from './traces'
import { canaryEvents, canaryMethods } from './canary'
import { securityEvents, securityMethods } from './security'
import { localClusterEvents, localClusterMethods } from './local-clusters'
import { prometheusEvents, prometheusMethods } from './prometheus'
import { monitoringMethods } from './monitoring'
import { analysisEvents, analysisMethods } from './analysis'
import type { EventSpec, MethodSpec } from './define'

export * from './error-codes'
export * from './errors'
export * from './app'
export * from './clusters'
export * from './demo'
export * from './mesh'
export * from './resources'
export * from './topology'
export * from './traces'
export * from './canary'
export * from './security'
export * from './local-clusters'
export * from './prometheus'
export * from './monitoring'
export * from './analysis'
export type { EventSpec, MethodSpec } from './define'

/**
 * Every method the renderer, a script or a test may call. Each domain keeps its own file; this
 * object is the single list the router, the preload allowlist and docs/api.md are built from.
 */
export const methods = {
  ...appMethods,
  ...clusterMethods,
  ...demoMethods,
  ...meshMethods,
  ...resourceMethods,
  ...logMethods,
  ...topologyMethods,
  ...traceMethods,
  ...canaryMethods,
  ...securityMethods,
  ...localClusterMethods,
  ...prometheusMethods,
  ...monitoringMethods,
  ...analysisMethods,
} satisfies Record<string, MethodSpec>

/** Every event main sends to the renderer. */
export const events = {
  ...appEvents,
  ...meshEvents,
  ...clusterEvents,
  ...demoEvents,
  ...resourceEvents,
  ...logEvents,
  ...topologyEvents,
  ...traceEvents,
  ...canaryEvents,
  ...securityEvents,
  ...localClusterEvents,
  ...prometheusEvents,
  ...analysisEvents,
} satisfies Record<string, EventSpec>

export type Methods = typeof methods
export type MethodName = keyof Methods
export type Params<M extends MethodName> = z.input<Methods[M]['params']>
export type Result<M extends MethodName> = z.output<Methods[M]['result']>

export type Events = typeof events
export type EventName = keyof Events
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>

export const methodNames = Object.keys(methods) as MethodName[]
export const eventNames = Object.keys(events) as EventName[]

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name)
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name)
}

/** What the preload exposes as window.meshdeck, and what the web transport implements too. */
export interface MeshdeckBridge {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<CallOutcomeOf<M>>
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void
}

export type CallOutcomeOf<M extends MethodName> =
  | { ok: true; result: Result<M> }
  | { ok: false; error: import('./errors').ApiError }
