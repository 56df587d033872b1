import type { TraceSearchDto } from '@shared/contract/traces'

/**
 * The search form ↔ the page's URL (so a search and an open trace survive a reload and can be
 * shared) ↔ the traces.search parameters. Pure.
 *
 *   #/traces?service=reviews&attrs=rpc.method%3DGet%20resource.service.version%3Dv2&min=10&errors=1&since=15m&trace=4bf9…
 */
export interface SearchForm {
  service: string
  operation: string
  /** logfmt-like filters: `key=value`, `span.key=value`, `resource.key=value`, values with spaces in quotes. */
  attributes: string
  minMs: string
  maxMs: string
  errorsOnly: boolean
  /** 5m, 15m, 1h, 6h, 24h, or all. */
  since: string
  limit: number
  /** caller>callee, from the Topology page. */
  edge: string
}

export const emptyForm = (): SearchForm => ({ service: '', operation: '', attributes: '', minMs: '', maxMs: '', errorsOnly: false, since: '1h', limit: 200, edge: '' })

export const sinceChoices = ['5m', '15m', '1h', '6h', '24h', 'all'] as const

export type AttributeFilter = NonNullable<TraceSearchDto['attributes']>[number]

/** Parses `a=b span.c="d e" resource.f=g`; an entry without `=` is an error naming it. */
export function parseAttributeFilters(text: string): { filters: AttributeFilter[]; error: string | null } {
  const filters: AttributeFilter[] = []
  const pattern = /\s*([^\s=]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/y
  let at = 0
  const source = text.trim()
  while (at < source.length) {
    pattern.lastIndex = at
    const match = pattern.exec(source)
    if (!match) {
      const word = source.slice(at).trim().split(/\s+/)[0]
      return { filters, error: `"${word}" is not key=value; write e.g. rpc.method=Get or resource.service.version=v2.` }
    }
    at = pattern.lastIndex
    let key = match[1]!
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '')
    let scope: AttributeFilter['scope'] = 'any'
    if (key.startsWith('span.')) {
      scope = 'span'
      key = key.slice(5)
    } else if (key.startsWith('resource.')) {
      scope = 'resource'
      key = key.slice(9)
    }
    filters.push({ key, value, scope })
    while (at < source.length && /\s/.test(source[at]!)) at++
  }
  return { filters, error: null }
}

const sinceMs: Record<string, number> = { '5m': 5 * 60_000, '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000 }

/** The form as traces.search parameters, or the first problem in words. */
export function toSearchParams(form: SearchForm, now: number): { params: TraceSearchDto; error: string | null } {
  const params: TraceSearchDto = { limit: form.limit }
  if (form.service.trim()) params.service = form.service.trim()
  if (form.operation.trim()) params.operation = form.operation.trim()
  const { filters, error } = parseAttributeFilters(form.attributes)
  if (error) return { params, error }
  if (filters.length > 0) params.attributes = filters
  for (const [field, text] of [
    ['minDurationMs', form.minMs],
    ['maxDurationMs', form.maxMs],
  ] as const) {
    if (text.trim() === '') continue
    const value = parseDuration(text)
    if (value === null) return { params, error: `"${text}" is not a duration; write e.g. 250, 250ms, 1.5s.` }
    params[field] = value
  }
  if (form.errorsOnly) params.errorsOnly = true
  if (sinceMs[form.since]) params.sinceMs = now - sinceMs[form.since]!
  const edge = /^([^>]+)>([^>]+)$/.exec(form.edge.trim())
  if (edge) params.edge = { source: edge[1]!.trim(), destination: edge[2]!.trim() }
  return { params, error: null }
}

/** "250", "250ms", "1.5s", "2m" → milliseconds. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|µs|ms|s|m)?\s*$/.exec(text)
  if (!match) return null
  const value = Number(match[1])
  const unit = match[2] ?? 'ms'
  return unit === 'us' || unit === 'µs' ? value / 1000 : unit === 's' ? value * 1000 : unit === 'm' ? value * 60_000 : value
}

type Query = Record<string, string | null | (string | null)[] | undefined>

const first = (value: Query[string]): string => (Array.isArray(value) ? (value[0] ?? '') : (value ?? ''))

export function formFromQuery(query: Query): SearchForm {
  const form = emptyForm()
  form.service = first(query.service)
  form.operation = first(query.op)
  form.attributes = first(query.attrs)
  form.minMs = first(query.min)
  form.maxMs = first(query.max)
  form.errorsOnly = first(query.errors) === '1'
  const since = first(query.since)
  if ((sinceChoices as readonly string[]).includes(since)) form.since = since
  const limit = Number(first(query.limit))
  if (Number.isInteger(limit) && limit >= 1 && limit <= 2000) form.limit = limit
  form.edge = first(query.edge)
  return form
}

/** The form's non-default fields as URL query entries. */
export function queryFromForm(form: SearchForm): Record<string, string> {
  const out: Record<string, string> = {}
  const defaults = emptyForm()
  if (form.service) out.service = form.service
  if (form.operation) out.op = form.operation
  if (form.attributes) out.attrs = form.attributes
  if (form.minMs) out.min = form.minMs
  if (form.maxMs) out.max = form.maxMs
  if (form.errorsOnly) out.errors = '1'
  if (form.since !== defaults.since) out.since = form.since
  if (form.limit !== defaults.limit) out.limit = String(form.limit)
  if (form.edge) out.edge = form.edge
  return out
}
