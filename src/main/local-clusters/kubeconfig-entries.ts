/**
 * Decisions about kubeconfig files as plain objects: adding a cluster's three entries (cluster,
 * user, context) without touching current-context, remembering what a same-named entry held before,
 * and putting it back when the cluster goes. Pure; the files are read and written in io/.
 */
export interface NamedEntry {
  name: string
  [key: string]: unknown
}

export interface KubeconfigDoc {
  apiVersion?: string
  kind?: string
  'current-context'?: string
  clusters?: NamedEntry[] | null
  contexts?: NamedEntry[] | null
  users?: NamedEntry[] | null
  [key: string]: unknown
}

/** One cluster's entries, as kubectl writes them (`{name, cluster: {...}}` and so on). */
export interface ClusterEntries {
  cluster: NamedEntry
  user: NamedEntry
  context: NamedEntry
}

/** What a merge replaced in a file (null: the name was new there). Kept so a delete can restore it. */
export interface ReplacedEntries {
  cluster: NamedEntry | null
  user: NamedEntry | null
  context: NamedEntry | null
}

const lists = { cluster: 'clusters', user: 'users', context: 'contexts' } as const
type Kind = keyof typeof lists

export function emptyKubeconfig(): KubeconfigDoc {
  return { apiVersion: 'v1', kind: 'Config', preferences: {}, clusters: [], contexts: [], users: [], 'current-context': '' }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

/** Adds (or replaces in place) a cluster's entries; current-context stays whatever it was. */
export function upsertEntries(doc: KubeconfigDoc, entries: ClusterEntries): { doc: KubeconfigDoc; replaced: ReplacedEntries } {
  const out = clone(doc)
  const replaced: ReplacedEntries = { cluster: null, user: null, context: null }
  for (const kind of Object.keys(lists) as Kind[]) {
    const key = lists[kind]
    const list = [...(out[key] ?? [])]
    const entry = clone(entries[kind])
    const index = list.findIndex((e) => e?.name === entry.name)
    if (index >= 0) {
      replaced[kind] = list[index] as NamedEntry
      list[index] = entry
    } else list.push(entry)
    out[key] = list
  }
  return { doc: out, replaced }
}

/**
 * Removes a cluster's entries where they are still the ones written (an entry the user changed
 * since is left alone and reported), and restores what they replaced. A current-context naming a
 * context that is gone is cleared, as `kind delete cluster` does.
 */
export function removeEntries(doc: KubeconfigDoc, written: ClusterEntries, replaced: ReplacedEntries | null): { doc: KubeconfigDoc; keptChanged: string[] } {
  const out = clone(doc)
  const keptChanged: string[] = []
  for (const kind of Object.keys(lists) as Kind[]) {
    const key = lists[kind]
    const list = [...(out[key] ?? [])]
    const index = list.findIndex((e) => e?.name === written[kind].name)
    if (index < 0) continue
    if (JSON.stringify(list[index]) !== JSON.stringify(written[kind])) {
      keptChanged.push(`${kind} ${written[kind].name}`)
      continue
    }
    const previous = replaced?.[kind]
    if (previous) list[index] = clone(previous)
    else list.splice(index, 1)
    out[key] = list
  }
  const current = out['current-context']
  if (current && !(out.contexts ?? []).some((c) => c?.name === current)) out['current-context'] = ''
  return { doc: out, keptChanged }
}

/** A context's three entries out of a kubeconfig (e.g. the one kind just wrote), or null. */
export function entriesOf(doc: KubeconfigDoc, contextName: string): ClusterEntries | null {
  const context = (doc.contexts ?? []).find((c) => c?.name === contextName)
  const ref = context?.context as { cluster?: string; user?: string } | undefined
  if (!context || !ref?.cluster || !ref.user) return null
  const cluster = (doc.clusters ?? []).find((c) => c?.name === ref.cluster)
  const user = (doc.users ?? []).find((u) => u?.name === ref.user)
  if (!cluster || !user) return null
  return clone({ cluster, user, context })
}

/** Entries for a cluster whose credentials are files: a CA, and a client certificate and key. */
export function certificateEntries(input: { context: string; server: string; caFile: string; certFile: string; keyFile: string }): ClusterEntries {
  return {
    cluster: { name: input.context, cluster: { server: input.server, 'certificate-authority': input.caFile } },
    user: { name: input.context, user: { 'client-certificate': input.certFile, 'client-key': input.keyFile } },
    context: { name: input.context, context: { cluster: input.context, user: input.context } },
  }
}

export function hasContext(doc: KubeconfigDoc, name: string): boolean {
  return (doc.contexts ?? []).some((c) => c?.name === name)
}
