// Electron entry: one window, the IPC transport, and the same services `meshdeck serve` runs.
import { app, BrowserWindow, screen, shell, session } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { contentSecurityPolicy } from './api'
import { createMeshdeck, desktopOptions, type Meshdeck } from './app'
import { fitToDisplays, mainWindowOptions, readWindowState, startIpcTransport, writeWindowState } from './window'

const rendererIndex = join(__dirname, '../renderer/index.html')
const rendererUrl = pathToFileURL(rendererIndex).href
const isAppPage = (url: string): boolean => url.split('#')[0] === rendererUrl

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let meshdeck: Meshdeck | undefined
  let window: BrowserWindow | undefined

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  // No page may navigate away, open windows, attach webviews, or ask for permissions.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppPage(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https://')) void shell.openExternal(url)
      return { action: 'deny' }
    })
  })

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy] } })
    })

    // No cluster to look at: the local demo mesh, so the topology shows something living; otherwise
    // the control plane on a local folder, ready to be switched to a cluster's mesh.
    const dataDir = app.getPath('userData')
    meshdeck = await createMeshdeck({ mode: 'electron', dataDir, ...(await desktopOptions(dataDir)) })
    const ipc = startIpcTransport(meshdeck.router, meshdeck.bus, isAppPage)

    const stateFile = join(app.getPath('userData'), 'window-state.json')
    const bounds = fitToDisplays(await readWindowState(stateFile), screen.getAllDisplays().map((d) => d.workArea))
    window = new BrowserWindow(mainWindowOptions(join(__dirname, '../preload/index.js'), bounds))
    if (bounds.maximized) window.maximize()
    ipc.attach(window.webContents)
    window.once('ready-to-show', () => window?.show())
    window.on('close', () => {
      if (!window) return
      void writeWindowState(stateFile, { ...window.getNormalBounds(), maximized: window.isMaximized() })
    })
    await window.loadFile(rendererIndex)

    // Quit waits for the services to stop (the demo's child processes get their SIGTERM grace).
    let stopped = false
    app.on('before-quit', (event) => {
      if (stopped) return
      event.preventDefault()
      stopped = true
      ipc.dispose()
      void Promise.resolve(meshdeck?.dispose())
        .catch((err: unknown) => console.error(`meshdeck: stopping failed: ${String(err)}`))
        .finally(() => app.quit())
    })
  })

  app.on('window-all-closed', () => app.quit())
}
