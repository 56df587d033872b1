import { events, type EventName, type EventPayload } from '@shared/contract'
import type { Disposable } from '../lib/disposable'

export type EventListener = (name: EventName, payload: unknown) => void

/**
 * Services emit typed events here; transports (IPC, WebSocket) listen and forward. Payloads are
 * checked against the contract in development and tests so a drifting service fails loudly.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const checked = events[name].payload.safeParse(payload)
    if (!checked.success) {
      throw new Error(`event ${name} does not match the contract: ${checked.error.message}`)
    }
    for (const listener of this.listeners) listener(name, checked.data)
  }

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener)
    return { dispose: () => void this.listeners.delete(listener) }
  }
}
