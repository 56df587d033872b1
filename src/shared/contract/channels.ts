/** Electron IPC channel names shared by the preload and main's IPC transport. */
export const ipcCallChannel = 'meshdeck:call'
export const ipcEventChannel = 'meshdeck:event'
