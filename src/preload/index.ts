// The only bridge between the sandboxed renderer and main: `call` and `on`, for contract names only.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { isEventName, isMethodName } from '@shared/contract'
import { ipcCallChannel, ipcEventChannel } from '@shared/contract/channels'

contextBridge.exposeInMainWorld('meshdeck', {
  call(method: unknown, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `Unknown method ${String(method)}.` } })
    }
    return ipcRenderer.invoke(ipcCallChannel, method, params)
  },
  on(event: unknown, handler: (payload: unknown) => void): () => void {
    if (!isEventName(event) || typeof handler !== 'function') return () => undefined
    const listener = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) handler(payload)
    }
    ipcRenderer.on(ipcEventChannel, listener)
    return () => void ipcRenderer.removeListener(ipcEventChannel, listener)
  },
})
