/** The Electron window: its options and the size and place it had last time. */
export { mainWindowOptions } from './window-options'
export { defaultBounds, fitToDisplays, readWindowState, writeWindowState, type WindowBounds } from './window-state'
