import { describe, expect, it } from 'vitest'
import { mainWindowOptions } from '../../src/main/window/window-options'
import { fitToDisplays } from '../../src/main/window/window-state'

describe('the main window', () => {
  const options = mainWindowOptions('/app/out/preload/index.js', { width: 1200, height: 800 })

  it('isolates the renderer: no Node, context isolation, Chromium sandbox', () => {
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })

  it('loads only the contract preload', () => {
    expect(options.webPreferences?.preload).toBe('/app/out/preload/index.js')
  })

  it('forgets a remembered position that is off every display (a monitor was unplugged)', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1080 }]
    expect(fitToDisplays({ x: 3000, y: 100, width: 1200, height: 800 }, displays)).toEqual({ width: 1200, height: 800, maximized: undefined })
    expect(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800 }, displays)).toEqual({ x: 100, y: 100, width: 1200, height: 800 })
  })
})
