import { lineOfField, type MeshObject, type SourceLocation } from '../mesh'
import { formatMessage, messageType } from './messages'

/** Istio's levels, worst first. */
export type Level = 'Error' | 'Warning' | 'Info'
export const levels: readonly Level[] = ['Error', 'Warning', 'Info']

/** Lower is worse: Error 0, Warning 1, Info 2 (Istio's sort order). */
export function levelRank(level: Level): number {
  return levels.indexOf(level)
}

/** Is `level` at least as bad as `threshold` (Istio's IsWorseThanOrEqualTo)? */
export function atLeast(level: Level, threshold: Level): boolean {
  return levelRank(level) <= levelRank(threshold)
}

/** Parses a level as istioctl's flags take it: case-insensitive. */
export function parseLevel(text: string): Level | null {
  return levels.find((l) => l.toLowerCase() === text.toLowerCase()) ?? null
}

/** One thing wrong with the mesh, on one object (or one file), with what to do about it. */
export interface Finding {
  /** IST… where Istio has the same finding, MDK… otherwise (messages.ts). */
  code: string
  level: Level
  /** Which analyzer found it (`meshdeck analyze -L` lists them). */
  analyzer: string
  /** The object it is on; absent for a file or document that could not be read. */
  kind?: string
  namespace?: string
  name?: string
  /** Where the object (or the field) is, when it came from a file. */
  file?: string
  line?: number
  /** Istio field path, e.g. spec.http[0].route[1].destination.subset. */
  field?: string
  /** In Istio's words for IST codes (its template, filled in). */
  message: string
  /** What to change, in Meshdeck's words. */
  fix: string
  /** Other objects it concerns, "Kind ns/name" (a canary target shows findings on its DestinationRule too). */
  related: string[]
}

/** "Kind ns/name", how istioctl names a resource (and `--suppress` matches it). */
export function resourceName(finding: Pick<Finding, 'kind' | 'namespace' | 'name'>): string | null {
  return finding.kind ? `${finding.kind} ${finding.namespace ?? ''}/${finding.name ?? ''}` : null
}

export const refOfObject = (object: Pick<MeshObject, 'kind' | 'namespace' | 'name'>): string => `${object.kind} ${object.namespace}/${object.name}`

/** What an analyzer says about one object: the code, its template's arguments, the field and the fix. */
export interface Report {
  code: string
  args: readonly unknown[]
  field?: string
  fix: string
  related?: string[]
  /** Only where one code's level depends on the case (source problems); otherwise the code's. */
  level?: Level
}

/** What a finding is on: an object, or a file (and maybe the object in it) that could not be read. */
export type FindingTarget = Pick<MeshObject, 'kind' | 'namespace' | 'name' | 'source'> | { kind?: string; namespace?: string; name?: string; source?: SourceLocation }

/** Builds the finding for an object, at the line of its field when it came from a file. */
export function findingOn(analyzer: string, target: FindingTarget, report: Report): Finding {
  const type = messageType(report.code)
  const source = target.source
  return {
    code: type.code,
    level: report.level ?? type.level,
    analyzer,
    ...(target.kind ? { kind: target.kind, namespace: target.namespace ?? '', name: target.name ?? '' } : {}),
    ...(source ? { file: source.file, line: lineOfField(source, report.field) } : {}),
    ...(report.field ? { field: report.field } : {}),
    message: formatMessage(type.template, report.args),
    fix: report.fix,
    related: report.related ?? [],
  }
}

/** Errors first, then by object and line, so output is stable from run to run. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    levelRank(a.level) - levelRank(b.level) ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.kind ?? '').localeCompare(b.kind ?? '') ||
    (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
    (a.name ?? '').localeCompare(b.name ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message)
  )
}

/** Identifies a finding across two analyses (what an edit adds or removes). */
export function findingKey(f: Finding): string {
  return `${f.code}|${resourceName(f) ?? f.file ?? ''}|${f.field ?? ''}|${f.message}`
}
