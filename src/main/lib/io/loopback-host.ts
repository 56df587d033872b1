import type { IncomingMessage } from 'node:http'

/** The names a loopback listener may be addressed by. */
export const loopbackHostNames: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * Guards a loopback server against DNS rebinding: a page on evil.example that makes its own name
 * resolve to 127.0.0.1 reaches the port, but its requests still say `Host: evil.example`. A server
 * bound to a loopback address therefore answers only requests addressed to a loopback name; one
 * bound elsewhere (the user chose to expose it) accepts any name.
 */
export function isAllowedHost(boundHost: string, req: Pick<IncomingMessage, 'headers'>): boolean {
  if (!loopbackHostNames.has(boundHost)) return true
  const header = req.headers.host ?? ''
  const name = header.startsWith('[') ? header.slice(1, header.indexOf(']')) : header.split(':')[0]
  return loopbackHostNames.has(name ?? '')
}
