import { watch, type FSWatcher, promises as fs } from 'node:fs'
import { join } from 'node:path'
import { objectKey, type MeshObject } from '../model'
import type { MeshProblem } from '../problems'
import { listMeshFolder, readMeshFile } from './read-mesh-file'
import { createSnapshot } from '../snapshot'
import type { MeshConfigSource, MeshSourceInfo, MeshSourceUpdate } from '../source'
import { MeshYamlParser } from './yaml-worker'

export type { MeshConfigSource, MeshSourceUpdate } from '../source'

export interface DirectorySourceOptions {
  dir: string
  /** Called once per settled change (after the debounce), never for a change that altered nothing. */
  onChange: (update: MeshSourceUpdate) => void
  debounceMs?: number
}

interface FileState {
  /** null when the file could not be read (its problem says why). */
  text: string | null
  /** The objects of the last version of this file that parsed; kept while a broken edit is fixed. */
  objects: MeshObject[]
  problems: MeshProblem[]
}

/** While the folder cannot be read, it is tried again this often (its watcher went with it). */
const missingFolderRetryMs = 2000
/** How long stopping waits for a reload in flight; reads and parses are bounded on their own. */
const disposeWaitMs = 1000

/**
 * A folder of Istio YAML files (multi-document), watched. Edits settle for `debounceMs` (editors
 * and atomic writes fire several events), then one update is delivered. A file that does not parse
 * is reported with file and line and its previous good objects keep serving.
 *
 * Nothing in the folder can stop it: only regular files are read, each bounded in size and time,
 * big files parse in a worker thread, and every failure becomes a problem on its file (or on the
 * folder) while the rest serves. Reloads run one after another, and one that fails never holds up
 * the next.
 */
export class DirectorySource implements MeshConfigSource {
  private readonly files = new Map<string, FileState>()
  private readonly parser = new MeshYamlParser()
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private version = 0
  private state: MeshSourceUpdate = { snapshot: createSnapshot(0, []), problems: [] }
  private objectsFingerprint = ''
  private folderProblem: MeshProblem | null = null
  /** The last reload queued; always settles (see enqueue). */
  private reloading: Promise<void> = Promise.resolve()
  private disposed = false

  constructor(private readonly options: DirectorySourceOptions) {}

  /** Reads the folder once and starts watching it. */
  async start(): Promise<void> {
    await fs.mkdir(this.options.dir, { recursive: true })
    await this.enqueue()
  }

  current(): MeshSourceUpdate {
    return this.state
  }

  info(): MeshSourceInfo {
    return { kind: 'directory', name: this.options.dir, detail: `Istio YAML in ${this.options.dir}, watched.` }
  }

  /** Re-reads now (tests and callers that just wrote a file and want the result without waiting). */
  async refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    await this.enqueue()
  }

  /**
   * Runs a reload after the ones already queued. The queue itself only ever holds settled-or-
   * settling promises that cannot reject: a rejected link used to make every later `.then(reload)`
   * skip its reload and hand back the old error, so one bad file stopped all reloads for good.
   */
  private enqueue(): Promise<void> {
    const run = this.reloading.then(() => this.reload())
    this.reloading = run.catch(() => undefined)
    return run
  }

  private schedule(): void {
    if (this.disposed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      void this.enqueue().catch(() => undefined)
    }, this.options.debounceMs ?? 100)
  }

  private watchFolder(): void {
    if (this.watcher || this.disposed) return
    try {
      this.watcher = watch(this.options.dir, () => this.schedule())
      this.watcher.on('error', () => {
        // Usually the folder went away: drop the watcher, and the reload says what happened.
        this.watcher?.close()
        this.watcher = undefined
        this.schedule()
      })
    } catch {
      this.watcher = undefined // the folder is gone again; the retry timer covers it
    }
  }

  private async reload(): Promise<void> {
    if (this.disposed) return
    const listing = await listMeshFolder(this.options.dir)
    if ('problem' in listing) {
      // Its watcher (if any) watched what is gone; look again now and then until it is back.
      this.watcher?.close()
      this.watcher = undefined
      this.folderProblem = listing.problem
      clearTimeout(this.retryTimer)
      this.retryTimer = setTimeout(() => this.schedule(), missingFolderRetryMs)
      this.retryTimer.unref()
    } else {
      this.folderProblem = null
      this.watchFolder()
      await this.readFiles(listing.names)
    }
    if (this.disposed) return
    this.publish()
  }

  private async readFiles(names: string[]): Promise<void> {
    const seen = new Set(names)
    for (const name of [...this.files.keys()]) if (!seen.has(name)) this.files.delete(name)
    for (const name of names) {
      if (this.disposed) return
      const previous = this.files.get(name)
      const read = await readMeshFile(join(this.options.dir, name), name)
      if ('gone' in read) {
        this.files.delete(name) // removed since the listing; its own event follows
        continue
      }
      if ('problem' in read) {
        this.files.set(name, { text: null, objects: previous?.objects ?? [], problems: [read.problem] })
        continue
      }
      if (previous?.text === read.text) continue
      const parsed = await this.parser.parse(read.text, name)
      const broken = parsed.problems.some((p) => p.severity === 'error')
      this.files.set(name, { text: read.text, objects: broken && previous ? previous.objects : parsed.objects, problems: parsed.problems })
    }
  }

  private publish(): void {
    const problems: MeshProblem[] = this.folderProblem ? [this.folderProblem] : []
    const objects: MeshObject[] = []
    const owners = new Map<string, string>()
    for (const [name, file] of this.files) {
      problems.push(...file.problems)
      for (const object of file.objects) {
        const key = objectKey(object)
        const owner = owners.get(key)
        if (owner) {
          problems.push({
            severity: 'error',
            kind: object.kind,
            namespace: object.namespace,
            name: object.name,
            message: `${key} is also defined in ${owner}; this copy is ignored.`,
            hint: 'Keep each object in one file.',
            source: object.source,
          })
          continue
        }
        owners.set(key, name)
        objects.push(object)
      }
    }
    const fingerprint = JSON.stringify(objects.map((o) => [o.kind, o.namespace, o.name, o.spec]))
    const problemsChanged = JSON.stringify(problems) !== JSON.stringify(this.state.problems)
    if (fingerprint === this.objectsFingerprint && !problemsChanged && this.version > 0) return
    if (fingerprint !== this.objectsFingerprint || this.version === 0) {
      this.version += 1
      this.objectsFingerprint = fingerprint
      this.state = { snapshot: createSnapshot(this.version, objects), problems }
    } else {
      this.state = { snapshot: this.state.snapshot, problems }
    }
    this.options.onChange(this.state)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    clearTimeout(this.timer)
    clearTimeout(this.retryTimer)
    this.watcher?.close()
    // Ends a parse in flight, so the reload waiting on it returns at once.
    this.parser.dispose()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.reloading, new Promise((resolve) => (timer = setTimeout(resolve, disposeWaitMs)))])
    clearTimeout(timer)
  }
}

/** Starts a watched folder source; the first update is delivered before this resolves. */
export async function startDirectorySource(options: DirectorySourceOptions): Promise<DirectorySource> {
  const source = new DirectorySource(options)
  await source.start()
  return source
}
