import type { MeshKind, SourceLocation } from './model'

/**
 * Something wrong with mesh config, aimed at the person who wrote it: which object, which field,
 * what is wrong and how to fix it. Errors stop a config from being pushed (the last good one keeps
 * serving); warnings are pushed and shown.
 */
export interface MeshProblem {
  /**
   * The analysis code (IST… where Istio has the same finding, else MDK…; see problem-codes.ts and
   * docs/analysis.md). Absent on problems reading the config; the analysis calls those MDK0007.
   */
  code?: string
  severity: 'error' | 'warning'
  /** Absent when the problem is with a file as a whole (e.g. YAML that does not parse). */
  kind?: MeshKind
  namespace?: string
  name?: string
  /** Istio field path, e.g. `spec.http[0].route[1].destination.subset`. */
  field?: string
  message: string
  hint: string
  source?: SourceLocation
}

export function hasErrors(problems: readonly MeshProblem[]): boolean {
  return problems.some((problem) => problem.severity === 'error')
}

/** One line a person can read in a log or a CLI: `file:line Kind ns/name field: message (hint)`. */
export function formatProblem(problem: MeshProblem): string {
  const where = problem.source ? `${problem.source.file}:${problem.source.line} ` : ''
  const what = problem.kind ? `${problem.kind} ${problem.namespace}/${problem.name} ` : ''
  const field = problem.field ? `${problem.field}: ` : ''
  return `${where}${what}${field}${problem.message} (${problem.hint})`
}
