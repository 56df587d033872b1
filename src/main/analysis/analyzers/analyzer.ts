import type { AnalysisContext } from '../context'
import type { FindingTarget, Report } from '../finding'

/** Reports a finding on an object (or on a file that could not be read). */
export type ReportOn = (target: FindingTarget, report: Report) => void

/**
 * One check over the whole mesh, named as istioctl names its analyzers (`virtualservice.…`), with
 * the codes it may report. Pure: reads the context, reports findings.
 */
export interface Analyzer {
  name: string
  description: string
  codes: readonly string[]
  analyze(ctx: AnalysisContext, report: ReportOn): void
}

/** The name in `candidates` closest to `name` (a likely typo), if one is close enough to suggest. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate, bestDistance)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below it. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
      current.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin >= limit) return limit
    previous = current
  }
  return previous[b.length]!
}

/** "a, b and c" (at most `max`, then "and N more"). */
export function listed(items: readonly string[], max = 5): string {
  if (items.length === 0) return 'none'
  const shown = items.slice(0, max)
  const rest = items.length - shown.length
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`
}
