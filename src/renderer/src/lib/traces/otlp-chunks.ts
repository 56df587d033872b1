/**
 * Splits an OTLP/JSON document (a dropped file) into documents small enough for one API call,
 * keeping each span with its resource and scope. Pure.
 */
export function splitOtlpJson(text: string, maxBytes: number): string[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new Error(`The file is not JSON: ${(err as Error).message}`)
  }
  const resourceSpans = (doc as { resourceSpans?: unknown }).resourceSpans
  if (!Array.isArray(resourceSpans)) throw new Error('The file is not OTLP/JSON trace data: it has no "resourceSpans".')
  if (text.length <= maxBytes) return [text]
  const out: string[] = []
  let current: { resource: unknown; scopeSpans: { scope: unknown; spans: unknown[] }[] }[] = []
  let size = 0
  const flush = (): void => {
    if (current.length > 0) out.push(JSON.stringify({ resourceSpans: current }))
    current = []
    size = 0
  }
  for (const rs of resourceSpans as { resource?: unknown; scopeSpans?: { scope?: unknown; spans?: unknown[] }[] }[]) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        const spanSize = JSON.stringify(span).length + 16
        const headerSize = JSON.stringify(rs.resource ?? {}).length + JSON.stringify(ss.scope ?? {}).length + 64
        if (size + spanSize + headerSize > maxBytes) flush()
        let resourceEntry = current.find((r) => r.resource === rs.resource)
        if (!resourceEntry) {
          resourceEntry = { resource: rs.resource, scopeSpans: [] }
          current.push(resourceEntry)
          size += headerSize
        }
        let scopeEntry = resourceEntry.scopeSpans.find((s) => s.scope === ss.scope)
        if (!scopeEntry) {
          scopeEntry = { scope: ss.scope, spans: [] }
          resourceEntry.scopeSpans.push(scopeEntry)
        }
        scopeEntry.spans.push(span)
        size += spanSize
      }
    }
  }
  flush()
  return out
}
