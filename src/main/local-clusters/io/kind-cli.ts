import { execFile, spawn } from 'node:child_process'
import { statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { LocalClusterErrorCode, MeshdeckError } from '@shared/contract'
import { cleanKindLine, LineSplitter } from '../kind-output'
import type { EngineName } from '../preflight-checks'

function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isFile() && (process.platform === 'win32' || (stat.mode & 0o111) !== 0)
  } catch {
    return false
  }
}

/** The kind binary: the configured path (only that one when set), else the first `kind` on PATH. */
export function findKind(configured: string | null, env: NodeJS.ProcessEnv = process.env): string | null {
  if (configured) return isExecutableFile(configured) ? configured : null
  const names = process.platform === 'win32' ? ['kind.exe', 'kind'] : ['kind']
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name)
      if (isExecutableFile(candidate)) return candidate
    }
  }
  return null
}

/** kind reads KIND_EXPERIMENTAL_PROVIDER to pick docker, podman or nerdctl (pkg/cluster/provider.go). */
export function kindEnv(engine: EngineName | null, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return engine ? { ...env, KIND_EXPERIMENTAL_PROVIDER: engine } : { ...env }
}

export function kindVersionOutput(path: string, env: NodeJS.ProcessEnv): Promise<{ output: string | null; error: string | null }> {
  return new Promise((resolve) => {
    execFile(path, ['version'], { env, timeout: 10_000 }, (err, stdout, stderr) => {
      if (err) resolve({ output: `${stdout}${stderr}`.trim() || null, error: err.message })
      else resolve({ output: `${stdout}${stderr}`.trim(), error: null })
    })
  })
}

export interface KindRun {
  code: number | null
  /** Everything kind printed (stdout and stderr, cleaned), for error classification. */
  output: string
  cancelled: boolean
}

/**
 * Runs kind with its output as lines. kind prints progress and errors on stderr and results (e.g.
 * `kind get clusters`) on stdout; both arrive through onLine, stdout lines flagged. Cancelling
 * (the signal) sends SIGTERM, then SIGKILL after 5 s; the caller cleans up what kind left.
 */
export function runKind(path: string, args: string[], options: { env: NodeJS.ProcessEnv; signal?: AbortSignal; onLine?: (line: string, stream: 'stdout' | 'stderr') => void }): Promise<KindRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return resolve({ code: null, output: '', cancelled: true })
    const child = spawn(path, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
    const all: string[] = []
    let cancelled = false
    let killTimer: NodeJS.Timeout | undefined
    const onAbort = (): void => {
      cancelled = true
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000)
    }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter()
      const emit = (lines: string[]): void => {
        for (const raw of lines) {
          const line = cleanKindLine(raw)
          all.push(line)
          options.onLine?.(line, stream)
        }
      }
      child[stream].setEncoding('utf8')
      child[stream].on('data', (chunk: string) => emit(splitter.push(chunk)))
      child[stream].on('end', () => emit(splitter.end()))
    }
    child.once('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort)
      reject(
        err.code === 'ENOENT'
          ? new MeshdeckError(LocalClusterErrorCode.kindNotFound, `kind is not at ${path}.`, 'Install kind or fix its path in Local clusters → Settings.')
          : new MeshdeckError(LocalClusterErrorCode.kindFailed, `kind could not be run: ${err.message}`, 'Check that the kind binary is executable.'),
      )
    })
    child.once('close', (code) => {
      if (killTimer) clearTimeout(killTimer)
      options.signal?.removeEventListener('abort', onAbort)
      resolve({ code, output: all.join('\n'), cancelled })
    })
  })
}
