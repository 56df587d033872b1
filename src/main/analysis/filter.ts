import { atLeast, resourceName, type Finding, type Level } from './finding'
import { isKnownCode } from './messages'

/** `--suppress "CODE=Kind ns/name"`: a code, on the resources a glob names. */
export interface Suppression {
  code: string
  resource: string
  /** Set when the code is none the analysis knows (istioctl warns and goes on). */
  unknownCode: boolean
}

/**
 * Parses one `--suppress` value as istioctl takes it: `CODE=RESOURCE`, where RESOURCE is
 * `Kind ns/name` (istioctl's form, which `*` may stand in for any part of) or istioctl's older
 * `Kind name.ns`. Throws on a value without exactly one `=`.
 */
export function parseSuppression(value: string): Suppression {
  const parts = value.split('=')
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new Error(`"${value}" is not a suppression: write CODE=RESOURCE, e.g. "IST0101=VirtualService demo/reviews" (* matches anything).`)
  }
  const code = parts[0].trim()
  return { code, resource: parts[1].trim(), unknownCode: !isKnownCode(code) }
}

/** Glob with `*` only, as istioctl's suppressions use (ryanuber/go-glob). */
function glob(pattern: string, text: string): boolean {
  const pieces = pattern.split('*')
  if (pieces.length === 1) return pattern === text
  if (!text.startsWith(pieces[0]!) || !text.endsWith(pieces.at(-1)!)) return false
  let at = pieces[0]!.length
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at)
    if (found < 0) return false
    at = found + piece.length
  }
  return at <= text.length - pieces.at(-1)!.length
}

function suppressed(finding: Finding, suppressions: readonly Suppression[]): boolean {
  const name = resourceName(finding)
  if (!name) return false
  // Also `Kind name.ns`, the form istioctl's own examples still use.
  const dotted = `${finding.kind} ${finding.name}.${finding.namespace}`
  return suppressions.some((s) => s.code === finding.code && (glob(s.resource, name) || glob(s.resource, dotted)))
}

export interface FindingFilter {
  /** Only findings on objects in this namespace (findings on a file, which has none, are kept). */
  namespace?: string
  suppressions?: readonly Suppression[]
  /** istioctl's --output-threshold: findings below it are not shown. */
  outputThreshold?: Level
}

/** The findings a person asked to see. */
export function filterFindings(findings: readonly Finding[], filter: FindingFilter): Finding[] {
  return findings.filter(
    (f) =>
      (filter.namespace === undefined || f.namespace === undefined || f.namespace === filter.namespace) &&
      (filter.outputThreshold === undefined || atLeast(f.level, filter.outputThreshold)) &&
      !suppressed(f, filter.suppressions ?? []),
  )
}

/** How many findings of each level. */
export function countLevels(findings: readonly Finding[]): Record<Level, number> {
  const counts: Record<Level, number> = { Error: 0, Warning: 0, Info: 0 }
  for (const f of findings) counts[f.level] += 1
  return counts
}
