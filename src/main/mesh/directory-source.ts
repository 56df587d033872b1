import { watch, type FSWatcher, promises as fs } from 'node:fs'
import { join } from 'node:path'
import { objectKey, type MeshObject } from './model'
import { parseMeshYaml } from './parse-yaml'
import type { MeshProblem } from './problems'
import { createSnapshot } from './snapshot'
import type { MeshConfigSource, MeshSourceInfo, MeshSourceUpdate } from './source'

export type { MeshConfigSource, MeshSourceUpdate } from './source'

export interface DirectorySourceOptions {
  dir: string
  /** Called once per settled change (after the debounce), never for a change that altered nothing. */
  onChange: (update: MeshSourceUpdate) => void
  debounceMs?: number
}

interface FileState {
  text: string
  /** The objects of the last version of this file that parsed; kept while a broken edit is fixed. */
  objects: MeshObject[]
  problems: MeshProblem[]
}

const isMeshFile = (name: string): boolean => /\.ya?ml$/i.test(name) && !name.startsWith('.')

/**
 * A folder of Istio YAML files (multi-document), watched. Edits settle for `debounceMs` (editors
 * and atomic writes fire several events), then one update is delivered. A file that does not parse
 * is reported with file and line and its previous good objects keep serving.
 */
export class DirectorySource implements MeshConfigSource {
  private readonly files = new Map<string, FileState>()
  private watcher: FSWatcher | undefined
  private timer: NodeJS.Timeout | undefined
  private version = 0
  private state: MeshSourceUpdate = { snapshot: createSnapshot(0, []), problems: [] }
  private objectsFingerprint = ''
  private reloading: Promise<void> = Promise.resolve()
  private disposed = false

  constructor(private readonly options: DirectorySourceOptions) {}

  /** Reads the folder once and starts watching it. */
  async start(): Promise<void> {
    await fs.mkdir(this.options.dir, { recursive: true })
    await this.reload()
    this.watcher = watch(this.options.dir, () => this.schedule())
    this.watcher.on('error', () => this.schedule())
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
    this.reloading = this.reloading.then(() => this.reload())
    await this.reloading
  }

  private schedule(): void {
    if (this.disposed) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.reloading = this.reloading.then(() => this.reload()).catch(() => undefined)
    }, this.options.debounceMs ?? 100)
  }

  private async reload(): Promise<void> {
    if (this.disposed) return
    const names = (await fs.readdir(this.options.dir)).filter(isMeshFile).sort()
    const seen = new Set(names)
    for (const name of [...this.files.keys()]) if (!seen.has(name)) this.files.delete(name)
    for (const name of names) {
      let text: string
      try {
        text = await fs.readFile(join(this.options.dir, name), 'utf8')
      } catch {
        continue // removed between readdir and read; the next event settles it
      }
      const previous = this.files.get(name)
      if (previous?.text === text) continue
      const parsed = parseMeshYaml(text, name)
      const broken = parsed.problems.some((p) => p.severity === 'error')
      this.files.set(name, { text, objects: broken && previous ? previous.objects : parsed.objects, problems: parsed.problems })
    }
    const problems: MeshProblem[] = []
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
    if (!this.disposed) this.options.onChange(this.state)
  }

  async dispose(): Promise<void> {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    this.watcher?.close()
    await this.reloading.catch(() => undefined)
  }
}

/** Starts a watched folder source; the first update is delivered before this resolves. */
export async function startDirectorySource(options: DirectorySourceOptions): Promise<DirectorySource> {
  const source = new DirectorySource(options)
  await source.start()
  return source
}
