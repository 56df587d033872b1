import type { CallOutcomeOf, EventName, EventPayload, MeshdeckBridge, MethodName, Params } from '@shared/contract'

const tokenKey = 'meshdeck.token'

/**
 * Web mode's bridge: POST /api/<method> for calls, one WebSocket for events. The token arrives in
 * the URL once; it is kept in sessionStorage for reloads and removed from the address bar.
 */
export function createWebBridge(): MeshdeckBridge {
  const token = takeToken()
  const handlers = new Map<string, Set<(payload: unknown) => void>>()
  let socket: WebSocket | undefined
  let retryDelay = 500
  // Calls wait (briefly) for the event socket's first open, so events caused by a call — the first
  // batch after a subscribe — cannot be sent before anyone listens.
  let markOpen: () => void = () => undefined
  const firstOpen = Promise.race([
    new Promise<void>((resolve) => (markOpen = resolve)),
    new Promise<void>((resolve) => setTimeout(resolve, 3000)),
  ])

  const connect = (): void => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`
    socket = new WebSocket(url, ['meshdeck.v1', `meshdeck-token.${token}`])
    socket.onopen = () => {
      retryDelay = 500
      markOpen()
    }
    socket.onmessage = (message: MessageEvent<string>) => {
      const frame = JSON.parse(message.data) as { event: string; payload: unknown }
      for (const handler of handlers.get(frame.event) ?? []) handler(frame.payload)
    }
    socket.onclose = () => {
      // Reconnect with backoff so a restarted `meshdeck serve` is picked up again.
      setTimeout(connect, retryDelay)
      retryDelay = Math.min(retryDelay * 2, 10_000)
    }
  }
  connect()

  return {
    async call<M extends MethodName>(method: M, params: Params<M>): Promise<CallOutcomeOf<M>> {
      await firstOpen
      try {
        const response = await fetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(params ?? {}),
        })
        return (await response.json()) as CallOutcomeOf<M>
      } catch (err) {
        return {
          ok: false,
          error: {
            code: 'unreachable',
            message: `Meshdeck's server did not answer: ${String(err)}`,
            hint: 'Is `meshdeck serve` still running? Restart it and open the new URL it prints.',
          },
        }
      }
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      const set = handlers.get(event) ?? new Set()
      handlers.set(event, set)
      const wrapped = handler as (payload: unknown) => void
      set.add(wrapped)
      return () => void set.delete(wrapped)
    },
  }
}

function takeToken(): string {
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    sessionStorage.setItem(tokenKey, fromUrl)
    params.delete('token')
    const query = params.toString()
    history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`)
    return fromUrl
  }
  return sessionStorage.getItem(tokenKey) ?? ''
}
