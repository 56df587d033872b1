import type { Span } from '../span'

/**
 * Zipkin's shared spans (B3 and Envoy's default: a server span reusing its client's span id) are
 * split at the door: the server half gets an id of its own whose parent is the client. Its
 * children, though, were sent naming the shared id as their parent; within one trace, those of the
 * server's own service belong under the server half. Pure.
 */
export function reparentUnderSharedServers(spans: Span[]): Span[] {
  const servers = new Map<string, Span>()
  for (const span of spans) if (span.sharedWith) servers.set(span.sharedWith, span)
  if (servers.size === 0) return spans
  return spans.map((span) => {
    const server = span.parentSpanId ? servers.get(span.parentSpanId) : undefined
    if (!server || span === server || span.spanId === server.sharedWith || span.service !== server.service) return span
    return { ...span, parentSpanId: server.spanId }
  })
}
