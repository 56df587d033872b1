/**
 * The API, the pure part: the Router every call goes through (validated against the contract,
 * failures turned into `{ code, message, hint }`), the EventBus services emit on, and the
 * renderer's Content-Security-Policy. The transports (IPC, HTTP + WebSocket) are in ./io.
 */
export { Router, describeZodError, toApiError, type Handler, type HandlerMap } from './router'
export { EventBus, type EventListener } from './event-bus'
export { contentSecurityPolicy } from './content-security-policy'
