import type { BrowserWindowConstructorOptions } from 'electron'
import type { WindowBounds } from './window-state'

/**
 * The main window's options. The renderer is untrusted territory: no Node, isolated context,
 * Chromium's sandbox, and only the preload's contract bridge. A unit test reads this object.
 */
export function mainWindowOptions(preloadPath: string, bounds: WindowBounds): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Meshdeck',
    backgroundColor: '#111418',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  }
}
