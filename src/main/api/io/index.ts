/** The API's transports: Electron IPC for the desktop app, HTTP + WebSocket for `meshdeck serve`. */
export { startHttpTransport, generateToken, tokenProtocolPrefix, type HttpTransport, type HttpTransportOptions } from './http-transport'
export { startIpcTransport } from './ipc-transport'
