import { parseArgs } from 'node:util'
import { outputFormats, parseLevel, parseSuppression, type Level, type OutputFormat, type Suppression } from '../main/analysis'

/** A wrong flag or value; `meshdeck analyze` exits 64 for it, as istioctl does. */
export class AnalyzeUsageError extends Error {
  readonly exitCode = 64
}

export const analyzeUsage = `  meshdeck analyze [FILES|DIRS|-]... [--context CTX] [-A | -n NS] [-o log|json|yaml]
      Analyze Istio config (istioctl analyze's flags and output, Istio's codes where Istio has the same
      finding, MDK codes for what only proxyless gRPC cares about; docs/analysis.md). Needs no running
      Meshdeck. Folders are read recursively (.yaml, .yml, .json); - reads stdin.
      --context CTX [--kubeconfig PATH]  also read that cluster's Istio objects, Services, endpoints and
          Pods; FILES are then analysed as they would be once applied to it.
      -A, --all-namespaces | -n, --namespace NS  which findings to show: files alone default to all
          namespaces; with --context, to the context's namespace (or default), as istioctl does.
      --failure-threshold Info|Warning|Error  exit 79 when a finding is at least this (default Error).
      --output-threshold Info|Warning|Error   show findings at least this (default Info).
      -S, --suppress "CODE=Kind ns/name"      leave that finding out (* matches anything); repeatable.
      --analyzer NAME  run only that analyzer (repeatable); -L, --list-analyzers  list them.
      --trust-domain TD (default cluster.local)  --color | --no-color  -v, --verbose
      Exit codes: 0 clean, 79 findings at or above the failure threshold, 64 bad usage, 1 other failures.
`

export interface AnalyzeArgs {
  command: 'analyze'
  paths: string[]
  context?: string
  kubeconfig?: string
  /** undefined: the default for the source (all for files, the context's for a cluster); null: -A. */
  namespace?: string | null
  output: OutputFormat
  failureThreshold: Level
  outputThreshold: Level
  suppressions: Suppression[]
  analyzers: string[]
  listAnalyzers: boolean
  trustDomain?: string
  /** undefined: when stdout is a terminal and TERM is not dumb. */
  color?: boolean
  verbose: boolean
}

function level(flag: string, value: string | undefined, fallback: Level): Level {
  if (value === undefined) return fallback
  const parsed = parseLevel(value)
  if (!parsed) throw new AnalyzeUsageError(`${flag} must be Info, Warning or Error, got "${value}".`)
  return parsed
}

/** `meshdeck analyze …`, parsed strictly: a wrong flag or value is named with the usage. */
export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        context: { type: 'string' },
        kubeconfig: { type: 'string' },
        'all-namespaces': { type: 'boolean', short: 'A', default: false },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
        'failure-threshold': { type: 'string' },
        'output-threshold': { type: 'string' },
        suppress: { type: 'string', short: 'S', multiple: true },
        analyzer: { type: 'string', multiple: true },
        'list-analyzers': { type: 'boolean', short: 'L', default: false },
        'trust-domain': { type: 'string' },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v', default: false },
      },
    })
  } catch (err) {
    throw new AnalyzeUsageError(`${(err as Error).message}\n\nUsage:\n${analyzeUsage}`)
  }
  const { values, positionals } = parsed
  if (values['all-namespaces'] && values.namespace !== undefined) throw new AnalyzeUsageError('-A (all namespaces) and -n NS contradict each other: give one.')
  const output = (values.output ?? 'log').toLowerCase()
  if (!outputFormats.includes(output as OutputFormat)) throw new AnalyzeUsageError(`${values.output} not a valid option for format: use ${outputFormats.join(', ')}.`)
  let suppressions: Suppression[]
  try {
    suppressions = (values.suppress ?? []).map(parseSuppression)
  } catch (err) {
    throw new AnalyzeUsageError((err as Error).message)
  }
  const listAnalyzers = values['list-analyzers'] ?? false
  if (positionals.length === 0 && !values.context && !listAnalyzers) {
    throw new AnalyzeUsageError(`Nothing to analyze: name files or folders of Istio YAML, or a cluster with --context.\n\nUsage:\n${analyzeUsage}`)
  }
  return {
    command: 'analyze',
    paths: positionals,
    context: values.context,
    kubeconfig: values.kubeconfig,
    namespace: values['all-namespaces'] ? null : values.namespace,
    output: output as OutputFormat,
    failureThreshold: level('--failure-threshold', values['failure-threshold'], 'Error'),
    outputThreshold: level('--output-threshold', values['output-threshold'], 'Info'),
    suppressions,
    analyzers: values.analyzer ?? [],
    listAnalyzers,
    trustDomain: values['trust-domain'],
    color: values['no-color'] ? false : values.color,
    verbose: values.verbose ?? false,
  }
}
