/**
 * Pure row filtering for the resource tables: namespaces (include or exclude), free text, and a
 * Kubernetes label selector (`app=web,tier!=db,env in (a,b),!canary`). No I/O, unit-tested.
 */
export interface FilterableRow {
  name: string
  namespace: string | null
  labels: Record<string, string>
}

export interface RowFilter {
  namespaces: string[]
  /** include: only these namespaces; exclude: all but these. An empty list filters nothing. */
  namespaceMode: 'include' | 'exclude'
  text: string
  selector: string
}

type Requirement = (labels: Record<string, string>) => boolean

export interface ParsedSelector {
  ok: boolean
  error: string | null
  matches: Requirement
}

const always: Requirement = () => true
const keyPattern = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let current = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(current)
      current = ''
    } else current += ch
  }
  out.push(current)
  return out.map((t) => t.trim()).filter((t) => t !== '')
}

export function parseLabelSelector(text: string): ParsedSelector {
  const requirements: Requirement[] = []
  for (const term of splitTerms(text)) {
    let m: RegExpExecArray | null
    if ((m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term))) {
      const [, key = '', op, list = ''] = m
      const values = new Set(list.split(',').map((v) => v.trim()).filter(Boolean))
      if (!keyPattern.test(key)) return bad(`"${key}" is not a label key`)
      requirements.push(op === 'in' ? (l) => l[key] !== undefined && values.has(l[key]) : (l) => l[key] === undefined || !values.has(l[key]))
    } else if ((m = /^(\S+?)\s*(!=|==|=)\s*(\S*)$/.exec(term))) {
      const [, key = '', op, value = ''] = m
      if (!keyPattern.test(key)) return bad(`"${key}" is not a label key`)
      requirements.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value)
    } else if ((m = /^!\s*(\S+)$/.exec(term))) {
      const key = m[1] ?? ''
      if (!keyPattern.test(key)) return bad(`"${key}" is not a label key`)
      requirements.push((l) => l[key] === undefined)
    } else if (keyPattern.test(term)) {
      requirements.push((l) => l[term] !== undefined)
    } else return bad(`cannot read "${term}": write key=value, key!=value, key in (a,b), key or !key`)
  }
  return { ok: true, error: null, matches: requirements.length === 0 ? always : (l) => requirements.every((r) => r(l)) }
}

function bad(error: string): ParsedSelector {
  return { ok: false, error, matches: always }
}

/** Returns a predicate; an invalid selector filters nothing (the UI shows its error instead). */
export function rowFilter(filter: RowFilter, extraText: (row: FilterableRow) => string = () => ''): (row: FilterableRow) => boolean {
  const selector = parseLabelSelector(filter.selector)
  const namespaces = new Set(filter.namespaces)
  const needle = filter.text.trim().toLowerCase()
  return (row) => {
    if (namespaces.size > 0 && row.namespace !== null) {
      const listed = namespaces.has(row.namespace)
      if (filter.namespaceMode === 'include' ? !listed : listed) return false
    }
    if (needle && !`${row.namespace ?? ''}/${row.name} ${extraText(row)}`.toLowerCase().includes(needle)) return false
    return selector.matches(row.labels)
  }
}

/** Sorts by a column's value: numbers numerically, strings naturally (pod-2 before pod-10). */
export function sortRows<T>(rows: T[], value: (row: T) => string | number, direction: 'asc' | 'desc'): T[] {
  const collator = new Intl.Collator(undefined, { numeric: true })
  const sign = direction === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const va = value(a)
    const vb = value(b)
    const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb))
    return c * sign
  })
}

/** kubectl-style age: 45s, 12m, 5h, 3d. */
export function age(createdAt: string | null, now: number): string {
  if (!createdAt) return '—'
  const s = Math.max(0, Math.floor((now - Date.parse(createdAt)) / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172800) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}

/** The rows a virtual list renders for a scroll position: only what is visible plus a margin. */
export function visibleWindow(total: number, scrollTop: number, viewportHeight: number, rowHeight: number, overscan = 8): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan)
  const end = Math.min(total, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan)
  return { start, end }
}
