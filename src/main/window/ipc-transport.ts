import { ipcMain, type WebContents } from 'electron'
import { ipcCallChannel, ipcEventChannel } from '@shared/contract/channels'
import type { Disposable } from '../lib/disposable'
import type { EventBus, Router } from '../api'

/**
 * Desktop transport: the preload invokes `meshdeck:call`; events go out on `meshdeck:event`.
 * Calls are accepted only from the app's own page, and every one still goes through the router.
 */
export function startIpcTransport(router: Router, bus: EventBus, isTrustedSender: (url: string) => boolean): Disposable & {
  attach(contents: WebContents): void
} {
  const targets = new Set<WebContents>()
  ipcMain.handle(ipcCallChannel, async (event, method: unknown, params: unknown) => {
    const url = event.senderFrame?.url ?? ''
    if (!isTrustedSender(url)) {
      return { ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from the Meshdeck window.' } }
    }
    return router.call(method, params)
  })
  const subscription = bus.subscribe((name, payload) => {
    for (const contents of targets) if (!contents.isDestroyed()) contents.send(ipcEventChannel, name, payload)
  })
  return {
    attach(contents) {
      targets.add(contents)
      contents.once('destroyed', () => targets.delete(contents))
    },
    dispose() {
      subscription.dispose()
      ipcMain.removeHandler(ipcCallChannel)
      targets.clear()
    },
  }
}
