import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { installOnce } from './registry'

// A child the test killed with SIGKILL cannot stop its own children: they are re-parented to init
// and nothing in this process can see them any more. Every process started from here inherits a
// marker in its environment (unless a test hands it a fresh env), so a scan of /proc finds the
// whole tree, grandchildren and orphans included. Linux only; elsewhere the scan finds nothing.

const variable = 'MESHDECK_LEAK_GUARD'

/** Puts this process's marker in its environment, for every process it starts to inherit. */
export function installProcessMarker(): void {
  installOnce('process marker', () => {
    process.env[variable] = `${process.pid}-${randomBytes(6).toString('hex')}`
  })
}

export interface MarkedProcess {
  readonly pid: number
  readonly commandLine: string
}

/** Live processes (not zombies) carrying this process's marker, other than this process. */
export function markedProcesses(): MarkedProcess[] {
  const marker = process.env[variable]
  if (!marker || !existsSync('/proc/self/environ')) return []
  const needle = `\0${variable}=${marker}\0`
  const found: MarkedProcess[] = []
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid) || pid === process.pid) continue
    try {
      // A zombie's environ reads empty, so an exited but unreaped child does not match.
      if (!`\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle)) continue
      const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
      found.push({ pid, commandLine: commandLine.length > 200 ? `${commandLine.slice(0, 200)}…` : commandLine })
    } catch {
      // gone meanwhile, or another user's process
    }
  }
  return found
}
