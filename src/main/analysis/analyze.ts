import { analyzers as allAnalyzers, type Analyzer } from './analyzers'
import { AnalysisContext, type AnalysisInput } from './context'
import { compareFindings, findingKey, findingOn, type Finding } from './finding'

export interface AnalysisResult {
  findings: Finding[]
  /** Objects analysed (the snapshot's Istio objects). */
  objects: number
  /** The analyzers that ran, by name. */
  analyzers: string[]
}

/** The analyzers `names` selects (all when empty); an unknown name throws, naming the known ones. */
export function selectAnalyzers(names: readonly string[] | undefined): readonly Analyzer[] {
  if (!names || names.length === 0) return allAnalyzers
  return names.map((name) => {
    const found = allAnalyzers.find((a) => a.name === name)
    if (!found) throw new Error(`No analyzer "${name}". Known: ${allAnalyzers.map((a) => a.name).join(', ')}.`)
    return found
  })
}

/**
 * Runs the analyzers over a mesh and returns every finding, worst first. Pure: the same input
 * gives the same findings; the caller times it, filters it (namespaces, suppressions, levels) and
 * prints it.
 */
export function analyzeMesh(input: AnalysisInput): AnalysisResult {
  const ctx = new AnalysisContext(input)
  const selected = selectAnalyzers(input.analyzers)
  // One finding once: a conflict found per workload (two versions behind one rule) says the same thing twice.
  const findings = new Map<string, Finding>()
  for (const analyzer of selected) {
    analyzer.analyze(ctx, (target, report) => {
      const finding = findingOn(analyzer.name, target, report)
      const key = findingKey(finding)
      if (!findings.has(key)) findings.set(key, finding)
    })
  }
  return { findings: [...findings.values()].sort(compareFindings), objects: ctx.objects().length, analyzers: selected.map((a) => a.name) }
}
