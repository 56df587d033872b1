import { MeshdeckError } from '@shared/contract'
import { analyzeMesh, analyzers, atLeast, filterFindings, formatFindings, selectAnalyzers, type Finding } from '../main/analysis'
import { readAnalysisFiles } from '../main/analysis/io'
import { defaultDataDir } from '../main/app'
import { clientForContext, describeContexts, loadKubeconfig } from '../main/cluster/io'
import { kubeconfigWithLocalClusters } from '../main/local-clusters/io'
import { createSnapshot, objectKey, type KubePodInfo, type KubernetesService, type MeshObject, type MeshProblem } from '../main/mesh'
import { readClusterMesh } from '../main/mesh/io'
import { AnalyzeUsageError, type AnalyzeArgs } from './analyze-args'

/** istioctl's exit codes (istioctl/cmd/sysexits.go), so CI scripts written for it work unchanged. */
export const analyzeExitCodes = { clean: 0, failed: 1, usage: 64, foundIssues: 79 } as const

export interface AnalyzeStreams {
  stdout: (text: string) => void
  stderr: (text: string) => void
  stdin: () => Promise<string>
  /** Whether stdout is a terminal (for the default of --color). */
  isTty: boolean
}

/** istioctl's -L: each analyzer's name and what it checks. */
export function analyzerList(): string {
  return [...analyzers]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => `* ${a.name}:\n    ${a.description}\n    codes: ${a.codes.join(', ')}\n`)
    .join('')
}

interface ClusterPart {
  objects: MeshObject[]
  services: KubernetesService[]
  pods: KubePodInfo[]
  namespaces: string[] | null
  problems: MeshProblem[]
  /** The context's namespace (kubectl's default for objects without one, and istioctl's for findings). */
  namespace: string
}

async function readCluster(context: string, kubeconfig: string | undefined): Promise<ClusterPart> {
  const merged = kubeconfigWithLocalClusters(kubeconfig, defaultDataDir())
  const listed = describeContexts(await loadKubeconfig(merged), null)
  const known = listed.contexts.find((c) => c.name === context)
  if (!known) {
    throw new MeshdeckError('unknown_context', `The kubeconfig has no context "${context}".`, `Use one of: ${listed.contexts.map((c) => c.name).join(', ') || '(none)'}.`)
  }
  const client = await clientForContext(context, merged)
  const mesh = await readClusterMesh(client, context)
  return { ...mesh, namespace: known.namespace ?? 'default' }
}

/**
 * `meshdeck analyze`: reads files and folders (and with --context, a cluster), analyses the mesh
 * they make together, prints the findings as istioctl does and returns the exit code. Needs no
 * running Meshdeck.
 */
export async function runAnalyze(args: AnalyzeArgs, io: AnalyzeStreams): Promise<number> {
  if (args.listAnalyzers) {
    io.stdout(analyzerList())
    return analyzeExitCodes.clean
  }
  try {
    selectAnalyzers(args.analyzers)
  } catch (err) {
    throw new AnalyzeUsageError((err as Error).message)
  }
  for (const s of args.suppressions) {
    if (s.unknownCode) io.stderr(`Warning: Supplied message code '${s.code}' is an unknown message code and will not have any effect.\n`)
  }

  const started = performance.now()
  const cluster = args.context ? await readCluster(args.context, args.kubeconfig) : null
  const files = await readAnalysisFiles(args.paths, { defaultNamespace: cluster?.namespace, stdin: io.stdin })
  // The files as they would be once applied: each replaces the cluster's object of the same name.
  const fromFiles = new Set(files.objects.map(objectKey))
  const objects = [...(cluster?.objects ?? []).filter((o) => !fromFiles.has(objectKey(o))), ...files.objects]
  const read = performance.now()
  const result = analyzeMesh({
    snapshot: createSnapshot(1, objects, cluster?.services ?? []),
    sourceProblems: [...(cluster?.problems ?? []), ...files.problems],
    pods: cluster?.pods,
    namespaces: cluster?.namespaces ?? undefined,
    trustDomain: args.trustDomain,
    analyzers: args.analyzers.length > 0 ? args.analyzers : undefined,
  })
  const analysed = performance.now()

  // istioctl: files alone show every namespace; a cluster, the context's namespace unless -A or -n.
  const namespace = args.namespace === null ? undefined : (args.namespace ?? (cluster ? cluster.namespace : undefined))
  const target = namespace === undefined ? 'all namespaces' : `namespace: ${namespace}`
  const relevant = filterFindings(result.findings, { namespace, suppressions: args.suppressions })
  const shown = filterFindings(relevant, { outputThreshold: args.outputThreshold })
  if (args.verbose) {
    io.stderr(
      `Analyzed ${result.objects} objects${cluster ? ` (context ${args.context})` : ''} from ${files.files.length} file(s) in ${target}: read in ${Math.round(read - started)} ms, ` +
        `${result.analyzers.length} analyzers in ${Math.round(analysed - read)} ms, ${result.findings.length} finding(s) before filtering.\n`,
    )
  }
  const colour = args.color ?? (io.isTty && process.env.TERM !== 'dumb')
  if (shown.length > 0 || args.output !== 'log') io.stdout(`${formatFindings(shown, args.output, colour && args.output === 'log')}\n`)
  if (shown.length === 0) io.stderr(noIssues(files.files, target, !!cluster))
  if (relevant.some((f: Finding) => atLeast(f.level, args.failureThreshold))) {
    io.stderr(`Analyzers found issues when analyzing ${target}.\nSee docs/analysis.md (Istio's codes: https://istio.io/latest/docs/reference/config/analysis) for more information about causes and resolutions.\n`)
    return analyzeExitCodes.foundIssues
  }
  return analyzeExitCodes.clean
}

/** istioctl's words when nothing is shown. */
function noIssues(files: readonly string[], target: string, cluster: boolean): string {
  if (cluster || files.length === 0) return `\u2714 No validation issues found when analyzing ${target}.\n`
  if (files.length === 1) return `\u2714 No validation issues found when analyzing ${files[0]}.\n`
  return `\u2714 No validation issues found when analyzing:\n  - ${files.join('\n  - ')}\n`
}
