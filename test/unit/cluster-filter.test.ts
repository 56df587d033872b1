import { describe, expect, it } from 'vitest'
import { age, parseLabelSelector, rowFilter, sortRows, visibleWindow, type FilterableRow, type RowFilter } from '../../src/renderer/src/lib/resources-filter'
import { LogBuffer, searchLines } from '../../src/renderer/src/lib/log-buffer'

const rows: FilterableRow[] = [
  { name: 'web-1', namespace: 'shop', labels: { app: 'web', tier: 'front' } },
  { name: 'db-0', namespace: 'shop', labels: { app: 'db' } },
  { name: 'coredns-x', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  { name: 'canary-1', namespace: 'team-a', labels: { app: 'web', canary: 'true' } },
]
const base: RowFilter = { namespaces: [], namespaceMode: 'include', text: '', selector: '' }
const names = (f: Partial<RowFilter>): string[] => rows.filter(rowFilter({ ...base, ...f })).map((r) => r.name)

describe('resource filters', () => {
  it('reads label selectors the way kubectl does', () => {
    expect(names({ selector: 'app=web' })).toEqual(['web-1', 'canary-1'])
    expect(names({ selector: 'app=web,!canary' })).toEqual(['web-1'])
    expect(names({ selector: 'app in (web, db),tier!=front' })).toEqual(['db-0', 'canary-1'])
    expect(names({ selector: 'app notin (web)' })).toEqual(['db-0', 'coredns-x'])
    expect(names({ selector: 'canary' })).toEqual(['canary-1'])
  })

  it('reports a broken selector instead of hiding every row', () => {
    const parsed = parseLabelSelector('app in (web')
    expect(parsed.ok).toBe(false)
    expect(parsed.error).toContain('cannot read')
    expect(names({ selector: 'app in (web' })).toHaveLength(4)
  })

  it('includes or excludes several namespaces, and matches text', () => {
    expect(names({ namespaces: ['shop', 'team-a'] })).toEqual(['web-1', 'db-0', 'canary-1'])
    expect(names({ namespaces: ['kube-system'], namespaceMode: 'exclude' })).toEqual(['web-1', 'db-0', 'canary-1'])
    expect(names({ text: 'SHOP/d' })).toEqual(['db-0'])
  })

  it('sorts names naturally and numbers numerically', () => {
    const pods = ['pod-10', 'pod-2', 'pod-1'].map((name, i) => ({ name, restarts: [5, 0, 12][i] ?? 0 }))
    expect(sortRows(pods, (p) => p.name, 'asc').map((p) => p.name)).toEqual(['pod-1', 'pod-2', 'pod-10'])
    expect(sortRows(pods, (p) => p.restarts, 'desc').map((p) => p.restarts)).toEqual([12, 5, 0])
  })

  it('renders only the rows in view', () => {
    expect(visibleWindow(10_000, 0, 600, 30)).toEqual({ start: 0, end: 28 })
    expect(visibleWindow(10_000, 30_000, 600, 30)).toEqual({ start: 992, end: 1028 })
    expect(visibleWindow(10, 0, 600, 30)).toEqual({ start: 0, end: 10 })
  })

  it('shows ages like kubectl', () => {
    const now = Date.parse('2024-01-03T00:00:00Z')
    expect(age('2024-01-02T23:59:15Z', now)).toBe('45s')
    expect(age('2024-01-02T23:00:00Z', now)).toBe('60m')
    expect(age('2024-01-02T12:00:00Z', now)).toBe('12h')
    expect(age('2023-12-30T00:00:00Z', now)).toBe('4d')
  })
})

describe('log buffer', () => {
  it('keeps only the newest lines and counts what it dropped', () => {
    const buffer = new LogBuffer(3)
    buffer.push(['a', 'b'])
    buffer.push(['c', 'd', 'e'])
    expect(buffer.lines).toEqual(['c', 'd', 'e'])
    expect(buffer.dropped).toBe(2)
  })

  it('searches case-insensitively', () => {
    expect(searchLines(['INFO ok', 'WARN slow', 'warn again'], 'warn')).toEqual(['WARN slow', 'warn again'])
    expect(searchLines(['a'], '  ')).toEqual(['a'])
  })
})
