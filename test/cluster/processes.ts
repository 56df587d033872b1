import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync } from 'node:fs'
import { join } from 'node:path'

/** One control-plane binary we started; stop() ends it (TERM, then KILL) and waits for the exit. */
export interface ManagedProcess {
  readonly name: string
  readonly pid: number
  exited(): boolean
  stop(): Promise<void>
}

const live = new Set<ChildProcess>()
let exitHookInstalled = false

/** If the test runner dies, its children must not outlive it. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL')
  })
}

/**
 * Starts a binary with its output in `<logDir>/<name>.log`. detached=true lets it outlive this
 * process (for `npm run cluster:up`); tests keep it attached so the exit hook can reap it.
 */
export function startProcess(name: string, binary: string, args: string[], logDir: string, detached = false): ManagedProcess {
  const log = openSync(join(logDir, `${name}.log`), 'a')
  const child = spawn(binary, args, { stdio: ['ignore', log, log], detached })
  closeSync(log)
  if (child.pid === undefined) throw new Error(`could not start ${binary}`)
  const pid = child.pid
  if (detached) child.unref()
  else {
    installExitHook()
    live.add(child)
    child.once('exit', () => live.delete(child))
  }
  return {
    name,
    pid,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** Stops a process by pid alone (cluster:down, where the starter is long gone). */
export async function stopPid(pid: number): Promise<void> {
  const alive = (): boolean => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!alive()) return
  process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 50 && alive(); i++) await new Promise((r) => setTimeout(r, 100))
  if (alive()) process.kill(pid, 'SIGKILL')
}
