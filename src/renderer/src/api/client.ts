import type { EventName, EventPayload, MeshdeckBridge, MethodName, Params, Result } from '@shared/contract'
import { ApiCallError } from './api-call-error'
import { createWebBridge } from './web-bridge'

export { ApiCallError }

/** The renderer's only way to main. Desktop: the preload's bridge. Browser: HTTP + WebSocket. */
const bridge: MeshdeckBridge = window.meshdeck ?? createWebBridge()

export async function call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>> {
  const outcome = await bridge.call(method, params)
  if (!outcome.ok) throw new ApiCallError(outcome.error)
  return outcome.result
}

export function on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
  return bridge.on(event, handler)
}

export const transportName: 'ipc' | 'web' = window.meshdeck ? 'ipc' : 'web'
