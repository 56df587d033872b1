import { parse } from 'yaml'

/** The parts of a kubeconfig file Meshdeck reads; credentials stay in main, never in the contract. */
export interface KubeconfigFile {
  path: string
  currentContext?: string
  contexts: NamedEntry<{ cluster?: string; user?: string; namespace?: string }>[]
  clusters: NamedEntry<Record<string, unknown> & { server?: string }>[]
  users: NamedEntry<Record<string, unknown>>[]
}

interface NamedEntry<T> {
  name: string
  value: T
  /** The file it came from, so errors and exec plugins can be traced back. */
  file: string
}

export interface MergedKubeconfig {
  files: string[]
  currentContext?: string
  contexts: Map<string, NamedEntry<{ cluster?: string; user?: string; namespace?: string }>>
  clusters: Map<string, NamedEntry<Record<string, unknown> & { server?: string }>>
  users: Map<string, NamedEntry<Record<string, unknown>>>
}

export class KubeconfigParseError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly hint: string,
  ) {
    super(message)
  }
}

/** Parses one file's text; throws KubeconfigParseError with the line when the YAML is broken. */
export function parseKubeconfig(path: string, text: string): KubeconfigFile {
  let doc: unknown
  try {
    doc = parse(text, { prettyErrors: true })
  } catch (err) {
    const detail = err instanceof Error ? err.message.split('\n')[0] : String(err)
    throw new KubeconfigParseError(path, `${path} is not valid YAML: ${detail}`, 'Fix the file or remove it from KUBECONFIG.')
  }
  if (doc === null || doc === undefined) return { path, contexts: [], clusters: [], users: [] }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new KubeconfigParseError(path, `${path} is not a kubeconfig (expected a mapping at the top).`, 'Check that KUBECONFIG points at kubeconfig files.')
  }
  const record = doc as Record<string, unknown>
  return {
    path,
    currentContext: typeof record['current-context'] === 'string' && record['current-context'] !== '' ? record['current-context'] : undefined,
    contexts: namedList(path, record.contexts, 'context'),
    clusters: namedList(path, record.clusters, 'cluster'),
    users: namedList(path, record.users, 'user'),
  }
}

function namedList<T>(file: string, list: unknown, key: string): NamedEntry<T>[] {
  if (list === undefined || list === null) return []
  if (!Array.isArray(list)) {
    throw new KubeconfigParseError(file, `${file}: "${key}s" must be a list.`, `Write ${key}s as a YAML list of {name, ${key}}.`)
  }
  return list.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return []
    const entry = item as Record<string, unknown>
    if (typeof entry.name !== 'string') return []
    return [{ name: entry.name, value: (entry[key] ?? {}) as T, file }]
  })
}

/**
 * kubectl's merge rules: files in KUBECONFIG order; for each named context, cluster and user the
 * first file that defines it wins; current-context comes from the first file that sets one.
 */
export function mergeKubeconfigs(files: KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: files.map((f) => f.path), contexts: new Map(), clusters: new Map(), users: new Map() }
  for (const file of files) {
    merged.currentContext ??= file.currentContext
    for (const c of file.contexts) if (!merged.contexts.has(c.name)) merged.contexts.set(c.name, c)
    for (const c of file.clusters) if (!merged.clusters.has(c.name)) merged.clusters.set(c.name, c)
    for (const u of file.users) if (!merged.users.has(u.name)) merged.users.set(u.name, u)
  }
  return merged
}

/** KUBECONFIG is a path list (':' on Unix, ';' on Windows); empty entries and repeats are skipped. */
export function kubeconfigPaths(envValue: string | undefined, home: string, delimiter: string): string[] {
  if (envValue === undefined || envValue.trim() === '') return [`${home}/.kube/config`]
  const seen = new Set<string>()
  return envValue.split(delimiter).filter((p) => {
    if (p === '' || seen.has(p)) return false
    seen.add(p)
    return true
  })
}
