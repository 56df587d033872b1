import { stringify } from 'yaml'
import { resourceName, type Finding, type Level } from './finding'

export type OutputFormat = 'log' | 'json' | 'yaml'
export const outputFormats: readonly OutputFormat[] = ['log', 'json', 'yaml']

/** Where a finding's code is explained: Istio's reference for IST codes, Meshdeck's page for its own. */
export function documentationUrl(code: string): string {
  return code.startsWith('IST') ? `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/` : `docs/analysis.md#${code.toLowerCase()}`
}

/** istioctl's origin: ` (Kind ns/name file:line)`, or ` (file:line)` for a file that could not be read. */
function origin(f: Finding): string {
  const where = f.file ? `${f.file}${f.line !== undefined ? `:${f.line}` : ''}` : ''
  const name = resourceName(f)
  const parts = [name, where].filter(Boolean)
  return parts.length > 0 ? ` (${parts.join(' ')})` : ''
}

const colours: Record<Level, string> = { Error: '\u001b[1;31m', Warning: '\u001b[33m', Info: '' }

/**
 * One finding as istioctl prints it, `Error [IST0101] (VirtualService demo/reviews reviews.yaml:12)
 * Referenced host+subset in destinationrule not found: "reviews+v3"`, then the fix, indented on a
 * line of its own (istioctl has none; a line that starts with spaces is easy to leave out).
 */
export function formatLogLine(f: Finding, colour = false, withFix = true): string {
  const level = colour && colours[f.level] ? `${colours[f.level]}${f.level}\u001b[0m` : f.level
  const line = `${level} [${f.code}]${origin(f)} ${f.message}`
  return withFix && f.fix ? `${line}\n    Fix: ${f.fix}` : line
}

/** A finding as istioctl's JSON and YAML give one (code, level, origin, reference, message, documentationUrl), plus Meshdeck's fields. */
export function findingRecord(f: Finding): Record<string, unknown> {
  const name = resourceName(f)
  return {
    code: f.code,
    level: f.level,
    ...(name ? { origin: name } : {}),
    ...(f.file ? { reference: `${f.file}${f.line !== undefined ? `:${f.line}` : ''}` } : {}),
    message: f.message,
    documentationUrl: documentationUrl(f.code),
    fix: f.fix,
    analyzer: f.analyzer,
    ...(f.field ? { field: f.field } : {}),
    ...(f.related.length > 0 ? { related: f.related } : {}),
  }
}

export function formatFindings(findings: readonly Finding[], format: OutputFormat, colour = false): string {
  if (format === 'json') return JSON.stringify(findings.map(findingRecord), null, '\t')
  if (format === 'yaml') return findings.length === 0 ? '[]\n' : stringify(findings.map(findingRecord))
  return findings.map((f) => formatLogLine(f, colour)).join('\n')
}
