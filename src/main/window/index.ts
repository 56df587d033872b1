/** The Electron side: the window's options, the size and place it had last time, and the IPC transport of the API. */
export { startIpcTransport } from './ipc-transport'
export { mainWindowOptions } from './window-options'
export { defaultBounds, fitToDisplays, readWindowState, writeWindowState, type WindowBounds } from './window-state'
