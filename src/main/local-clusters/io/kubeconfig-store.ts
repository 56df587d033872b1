import { promises as fs } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join } from 'node:path'
import { parse, stringify } from 'yaml'
import { LocalClusterErrorCode, MeshdeckError, type LocalClusterProvider } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { emptyKubeconfig, removeEntries, upsertEntries, type ClusterEntries, type KubeconfigDoc, type ReplacedEntries } from '../kubeconfig-entries'

/** What Meshdeck wrote for one cluster, and where. */
interface LedgerEntry {
  context: string
  written: ClusterEntries
  /** Set when the user asked to merge into their kubeconfig too. */
  merged?: { file: string; backup: string | null; replaced: ReplacedEntries }
}

interface Ledger {
  clusters: Record<string, LedgerEntry>
}

export function meshdeckKubeconfigPath(dataDir: string): string {
  return join(dataDir, 'local-clusters', 'kubeconfig')
}

/**
 * The kubeconfig paths Meshdeck reads: the user's (an explicit path, else KUBECONFIG as kubectl
 * reads it, else ~/.kube/config) and then Meshdeck's own file. Appended last, Meshdeck's file never
 * wins a name or the current-context over the user's files (kubectl's first-wins rule).
 */
export function kubeconfigWithLocalClusters(userKubeconfig: string | undefined, dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return [...userKubeconfigPaths(userKubeconfig, env), meshdeckKubeconfigPath(dataDir)].join(delimiter)
}

/** The user's own kubeconfig files, as kubectl would read them. */
export function userKubeconfigPaths(userKubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  return userKubeconfig ? [userKubeconfig] : env.KUBECONFIG?.trim() ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')]
}

/** The file a merge writes to: the explicit kubeconfig file, else KUBECONFIG's first file, else ~/.kube/config. */
export function userKubeconfigFile(userKubeconfig: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (userKubeconfig) return userKubeconfig
  const first = env.KUBECONFIG?.split(delimiter).find(Boolean)
  return first ?? join(homedir(), '.kube', 'config')
}

async function readDoc(path: string): Promise<KubeconfigDoc> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyKubeconfig()
    throw err
  }
  let doc: unknown
  try {
    doc = parse(text)
  } catch (err) {
    throw new MeshdeckError(LocalClusterErrorCode.kubeconfigWrite, `${path} is not valid YAML, so Meshdeck will not write to it: ${(err as Error).message.split('\n')[0]}`, 'Fix the file (or restore a backup) and try again.')
  }
  if (doc === null || doc === undefined) return emptyKubeconfig()
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new MeshdeckError(LocalClusterErrorCode.kubeconfigWrite, `${path} is not a kubeconfig (no mapping at the top).`, 'Fix the file and try again.')
  return doc as KubeconfigDoc
}

async function writeDoc(path: string, doc: KubeconfigDoc): Promise<void> {
  // Keep the file's mode (kubeconfigs hold credentials; 0600 for a new one).
  const mode = await fs.stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  )
  await writeFileAtomic(path, stringify(doc, { lineWidth: 0 }), mode)
}

/**
 * Meshdeck's kubeconfig file for local clusters, the optional merge into the user's kubeconfig
 * (with a backup, never changing current-context), and the ledger of what was written where, so a
 * delete removes exactly that and puts back what a merge replaced.
 */
export class KubeconfigStore {
  readonly file: string
  private readonly ledgerFile: string
  /** One change at a time: two creates finishing together must not lose each other's entries. */
  private queue: Promise<unknown> = Promise.resolve()

  constructor(dataDir: string) {
    this.file = meshdeckKubeconfigPath(dataDir)
    this.ledgerFile = join(dataDir, 'local-clusters', 'kubeconfig-ledger.json')
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }

  async ledger(): Promise<Ledger> {
    try {
      return JSON.parse(await fs.readFile(this.ledgerFile, 'utf8')) as Ledger
    } catch {
      return { clusters: {} }
    }
  }

  private async saveLedger(ledger: Ledger): Promise<void> {
    await writeFileAtomic(this.ledgerFile, `${JSON.stringify(ledger, null, 2)}\n`, 0o600)
  }

  static key(provider: LocalClusterProvider, name: string): string {
    return `${provider}/${name}`
  }

  /** Where a cluster's context is listed from, or null when Meshdeck wrote none. */
  async contextOf(provider: LocalClusterProvider, name: string): Promise<{ context: string; kubeconfig: 'meshdeck' | 'merged' } | null> {
    const entry = (await this.ledger()).clusters[KubeconfigStore.key(provider, name)]
    return entry ? { context: entry.context, kubeconfig: entry.merged ? 'merged' : 'meshdeck' } : null
  }

  /** Writes a cluster's entries into Meshdeck's file (a stale entry of the same name is replaced). */
  add(provider: LocalClusterProvider, name: string, entries: ClusterEntries): Promise<void> {
    return this.serial(async () => {
      const { doc } = upsertEntries(await readDoc(this.file), entries)
      // Meshdeck's file never sets a current-context: listing a cluster must not select it anywhere.
      doc['current-context'] = ''
      await writeDoc(this.file, doc)
      const ledger = await this.ledger()
      const key = KubeconfigStore.key(provider, name)
      ledger.clusters[key] = { ...ledger.clusters[key], context: entries.context.name, written: entries }
      await this.saveLedger(ledger)
    })
  }

  /**
   * Copies a cluster's entries into the user's kubeconfig: a backup of the file first, entries of
   * the same name replaced (and remembered), current-context left as it was.
   */
  merge(provider: LocalClusterProvider, name: string, userFile: string): Promise<{ file: string; backup: string | null; context: string }> {
    return this.serial(async () => {
      const ledger = await this.ledger()
      const entry = ledger.clusters[KubeconfigStore.key(provider, name)]
      if (!entry) throw new MeshdeckError(LocalClusterErrorCode.clusterNotFound, `Meshdeck holds no kubeconfig entries for ${provider} cluster "${name}".`, 'Create the cluster from Meshdeck first.')
      if (entry.merged) return { file: entry.merged.file, backup: entry.merged.backup, context: entry.context }
      const before = await readDoc(userFile)
      let backup: string | null = null
      try {
        await fs.access(userFile)
        backup = `${userFile}.meshdeck-backup-${new Date().toISOString().replace(/[:.]/g, '-')}`
        await fs.copyFile(userFile, backup)
        await fs.chmod(backup, 0o600)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      }
      const { doc, replaced } = upsertEntries(before, entry.written)
      if (doc['current-context'] === undefined) doc['current-context'] = ''
      await writeDoc(userFile, doc)
      entry.merged = { file: userFile, backup, replaced }
      await this.saveLedger(ledger)
      return { file: userFile, backup, context: entry.context }
    })
  }

  /** Removes what Meshdeck wrote for a cluster, from its file and (restoring what it replaced) the user's. */
  remove(provider: LocalClusterProvider, name: string): Promise<{ keptChanged: string[] }> {
    return this.serial(async () => {
      const ledger = await this.ledger()
      const key = KubeconfigStore.key(provider, name)
      const entry = ledger.clusters[key]
      if (!entry) return { keptChanged: [] }
      const own = removeEntries(await readDoc(this.file), entry.written, null)
      await writeDoc(this.file, own.doc)
      let keptChanged: string[] = []
      if (entry.merged) {
        const user = removeEntries(await readDoc(entry.merged.file), entry.written, entry.merged.replaced)
        await writeDoc(entry.merged.file, user.doc)
        keptChanged = user.keptChanged.map((e) => `${e} in ${entry.merged?.file ?? ''} (changed since the merge, so left as it is)`)
      }
      delete ledger.clusters[key]
      await this.saveLedger(ledger)
      return { keptChanged }
    })
  }

  async describe(provider: LocalClusterProvider, name: string): Promise<string[]> {
    const entry = (await this.ledger()).clusters[KubeconfigStore.key(provider, name)]
    if (!entry) return []
    const out = [`context ${entry.context} in ${this.file}`]
    if (entry.merged) {
      const restored = Object.values(entry.merged.replaced).filter(Boolean).length
      out.push(`context ${entry.context} in ${entry.merged.file}${restored > 0 ? ` (the ${restored} entries it replaced are put back)` : ''}`)
    }
    return out
  }
}
