import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** How to start the workload program; the supervisor appends the workload's own flags. */
export interface WorkloadCommand {
  command: string
  args: string[]
  env?: Record<string, string>
}

/**
 * The built entry (out/main/demo-workload.js, next to this bundle) when it exists, otherwise the
 * TypeScript source through tsx's loader (tests, `tsx`). Always process.execPath with
 * ELECTRON_RUN_AS_NODE=1, so inside Electron the same binary runs the workload as plain Node.
 * `--import tsx` keeps it one process, so the PID we supervise is the workload itself.
 */
export function defaultWorkloadCommand(dir: string = __dirname): WorkloadCommand {
  const env = { ELECTRON_RUN_AS_NODE: '1' }
  // In the build this code may sit in a shared chunk (out/main/chunks/), one level below the entry.
  const built = [join(dir, 'demo-workload.js'), join(dirname(dir), 'demo-workload.js')].find((path) => existsSync(path))
  if (built) return { command: process.execPath, args: [built], env }
  return { command: process.execPath, args: ['--import', 'tsx', join(dir, 'workload', 'main.ts')], env }
}
