/** The API's HTTP + WebSocket transport (`meshdeck serve`, scripts). The desktop app's IPC transport is in window/: only the Electron entry loads electron. */
export { startHttpTransport, generateToken, tokenProtocolPrefix, type HttpTransport, type HttpTransportOptions } from './http-transport'
