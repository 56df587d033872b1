import type { FindingDto, FindingLevel } from '@shared/contract'

/** Istio's levels, worst first: the order the pages list and filter them in. */
export const findingLevels: readonly FindingLevel[] = ['Error', 'Warning', 'Info']

/** "Kind ns/name", how istioctl names an object (and how a finding's `related` lists them). */
export function objectRef(object: { kind: string; namespace: string; name: string }): string {
  return `${object.kind} ${object.namespace}/${object.name}`
}

/** The object a finding is on, or its file when no object could be read from it. */
export function findingSubject(finding: FindingDto): string {
  if (finding.kind) return `${finding.kind} ${finding.namespace ?? ''}/${finding.name ?? ''}`
  return finding.file ?? 'the mesh config'
}

/** `file:line`, when the finding came from a file. */
export function findingPlace(finding: FindingDto): string | null {
  if (!finding.file) return null
  return finding.line ? `${finding.file}:${finding.line}` : finding.file
}

export interface FindingGroup {
  subject: string
  /** The worst level among its findings. */
  worst: FindingLevel
  findings: FindingDto[]
}

const rank = (level: FindingLevel): number => findingLevels.indexOf(level)

/**
 * Findings grouped by the object they are on, only those at the chosen levels: objects with the
 * worst findings first, then by name, so the same config always lists the same way.
 */
export function groupFindings(findings: readonly FindingDto[], shown: ReadonlySet<FindingLevel>): FindingGroup[] {
  const groups = new Map<string, FindingDto[]>()
  for (const f of findings) {
    if (!shown.has(f.level)) continue
    const subject = findingSubject(f)
    const list = groups.get(subject) ?? []
    list.push(f)
    groups.set(subject, list)
  }
  return [...groups.entries()]
    .map(([subject, list]) => {
      const sorted = [...list].sort((a, b) => rank(a.level) - rank(b.level) || a.code.localeCompare(b.code))
      return { subject, worst: sorted[0]!.level, findings: sorted }
    })
    .sort((a, b) => rank(a.worst) - rank(b.worst) || a.subject.localeCompare(b.subject))
}

/**
 * The findings on any of these objects ("Kind ns/name"), or naming one of them as related (a route's
 * missing subset is on the VirtualService and concerns its DestinationRule too), worst first.
 */
export function findingsFor(findings: readonly FindingDto[], refs: readonly string[]): FindingDto[] {
  const wanted = new Set(refs)
  return findings
    .filter((f) => (f.kind !== undefined && wanted.has(findingSubject(f))) || f.related.some((r) => wanted.has(r)))
    .sort((a, b) => rank(a.level) - rank(b.level) || a.code.localeCompare(b.code))
}

/** The findings on objects of these kinds (the Security page shows its policies' findings). */
export function findingsOfKinds(findings: readonly FindingDto[], kinds: readonly string[]): FindingDto[] {
  return findings.filter((f) => f.kind !== undefined && kinds.includes(f.kind))
}
