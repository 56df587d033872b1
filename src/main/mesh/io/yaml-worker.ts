import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { Disposable } from '../../lib/disposable'
import { inlineParseBytes, meshFileParseTimeoutMs } from '../limits'
import { parseMeshYaml, type ParsedFile } from '../parse-yaml'
import type { ParseReply, ParseRequest } from '../yaml-worker-protocol'

export interface MeshYamlParserOptions {
  /** Texts up to this many characters are parsed inline. */
  inlineChars?: number
  timeoutMs?: number
  /** The worker ends after this long without work, so an idle app holds no second heap. */
  idleMs?: number
  /** Where the worker's code is (tests); by default next to this bundle, else the source via tsx. */
  dir?: string
}

interface Pending {
  file: string
  /** Kept so that the main thread can parse it after all if the worker dies. */
  text: string
  result: ParsedFile
  resolve: (parsed: ParsedFile) => void
  timer: NodeJS.Timeout
}

/**
 * The built entry (out/main/mesh-parse-worker.js, next to this bundle or one level up from a shared
 * chunk) when it exists, otherwise the TypeScript source through tsx's require hook (tests, tsx).
 */
function startWorker(dir: string): Worker {
  const built = [join(dir, 'mesh-parse-worker.js'), join(dirname(dir), 'mesh-parse-worker.js')].find((path) => existsSync(path))
  if (built) return new Worker(built)
  const source = join(dir, 'parse-worker.ts')
  const load = `const r = require('node:module').createRequire(${JSON.stringify(source)}); r('tsx/cjs'); r(${JSON.stringify(source)})`
  return new Worker(load, { eval: true })
}

const parseFailure = (file: string, why: string): ParsedFile => ({
  objects: [],
  problems: [{ severity: 'error', message: `${file} could not be parsed: ${why}.`, hint: 'Fix or remove the file; the other files keep serving.', source: { file, line: 1 } }],
})

/** Said on each big file parsed inline because no worker could start: it explains the stall. */
const workerMissing = (file: string, why: string): ParsedFile['problems'][number] => ({
  severity: 'warning',
  message: `${file} was parsed on the main thread, which stalls the app meanwhile: the parser worker could not start (${why}).`,
  hint: 'Reinstall Meshdeck (its build has out/main/mesh-parse-worker.js), or keep mesh files small.',
  source: { file, line: 1 },
})

/** parseMeshYaml reports per document; this catches what the YAML library itself might throw. */
function parseInline(text: string, file: string, why: string): ParsedFile {
  try {
    return parseMeshYaml(text, file)
  } catch (err) {
    return parseFailure(file, `${why}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * Parses mesh YAML without stalling the main thread: the YAML parser takes about 0.6 s per MB, so
 * anything but a small file goes to a worker thread, and its result comes back in slices. A parse
 * that takes longer than `timeoutMs` ends the worker and becomes a problem on that file.
 */
export class MeshYamlParser implements Disposable {
  private worker: Worker | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private idleTimer: NodeJS.Timeout | undefined
  private disposed = false
  /** Why no worker could start (no built entry, no tsx): it is not tried again, files parse inline. */
  private unavailable: string | null = null

  constructor(private readonly options: MeshYamlParserOptions = {}) {}

  parse(text: string, file: string): Promise<ParsedFile> {
    if (this.disposed || text.length <= (this.options.inlineChars ?? inlineParseBytes)) return Promise.resolve(parseInline(text, file, 'the YAML parser failed'))
    if (this.unavailable !== null) {
      const parsed = parseInline(text, file, 'the YAML parser failed')
      parsed.problems.push(workerMissing(file, this.unavailable))
      return Promise.resolve(parsed)
    }
    return new Promise<ParsedFile>((resolve) => {
      const id = this.nextId++
      const timeoutMs = this.options.timeoutMs ?? meshFileParseTimeoutMs
      const timer = setTimeout(() => {
        this.finish(id, {
          objects: [],
          problems: [
            {
              severity: 'error',
              message: `Parsing ${file} took longer than ${timeoutMs / 1000} s; Meshdeck stopped and does not serve it.`,
              hint: 'Split it into smaller files or simplify it; its last good objects keep serving.',
              source: { file, line: 1 },
            },
          ],
        })
        // The worker may be stuck in that file: it goes, anything else it held is parsed here, and a
        // fresh worker takes the next file.
        const stuck = this.worker
        if (stuck) {
          this.fail(stuck, 'the parser was restarted', true)
          void stuck.terminate()
        }
      }, timeoutMs)
      this.pending.set(id, { file, text, result: { objects: [], problems: [] }, resolve, timer })
      clearTimeout(this.idleTimer)
      const request: ParseRequest = { id, text, file }
      this.ensureWorker().postMessage(request)
    })
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker
    const worker = startWorker(this.options.dir ?? __dirname)
    // It never keeps the app alive: an app that is stopping does not wait for a parse.
    worker.unref()
    // Ready once its code has loaded; a worker that fails before that cannot load here at all.
    let started = false
    worker.on('message', (reply: ParseReply | { ready: true }) => {
      if ('ready' in reply) started = true
      else this.receive(reply)
    })
    worker.on('error', (err) => this.fail(worker, err.message, started))
    worker.on('exit', (code) => this.fail(worker, `the parser stopped (exit code ${code})`, started))
    this.worker = worker
    return worker
  }

  private receive(reply: ParseReply): void {
    const pending = this.pending.get(reply.id)
    if (!pending) return
    if ('objects' in reply) pending.result.objects.push(...reply.objects)
    else if ('problems' in reply) pending.result.problems.push(...reply.problems)
    else if (reply.error !== undefined) this.finish(reply.id, parseFailure(pending.file, reply.error))
    else this.finish(reply.id)
  }

  /** Resolves a parse with what arrived, or with `instead` (a timeout, a failure). */
  private finish(id: number, instead?: ParsedFile): void {
    const pending = this.pending.get(id)
    if (!pending) return
    this.pending.delete(id)
    clearTimeout(pending.timer)
    pending.resolve(instead ?? pending.result)
    if (this.pending.size === 0 && this.worker) {
      clearTimeout(this.idleTimer)
      this.idleTimer = setTimeout(() => this.stopWorker(), this.options.idleMs ?? 10_000)
      this.idleTimer.unref()
    }
  }

  /**
   * The worker died or could not start: what it held is parsed here instead, so nothing is lost
   * (slower, but the files are bounded by maxMeshFileBytes).
   */
  private fail(worker: Worker, why: string, started: boolean): void {
    if (this.worker !== worker) return
    this.worker = null
    if (!started) this.unavailable = why
    for (const [id, pending] of [...this.pending]) {
      this.pending.delete(id)
      clearTimeout(pending.timer)
      if (this.disposed) {
        pending.resolve({ objects: [], problems: [] })
        continue
      }
      const parsed = parseInline(pending.text, pending.file, why)
      if (!started) parsed.problems.push(workerMissing(pending.file, why))
      pending.resolve(parsed)
    }
  }

  private stopWorker(): void {
    const worker = this.worker
    this.worker = null
    clearTimeout(this.idleTimer)
    if (worker) void worker.terminate()
  }

  dispose(): void {
    this.disposed = true
    for (const id of [...this.pending.keys()]) this.finish(id, { objects: [], problems: [] })
    this.stopWorker()
  }
}
