import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

let cached: Promise<string> | undefined

/**
 * The PATH a login shell would have. A desktop app started from the dock gets a bare PATH, so
 * exec credential plugins (aws, gke-gcloud-auth-plugin, kubelogin) installed by the user's shell
 * profile would not be found; kubectl in a terminal finds them, and so must we.
 */
export function loginShellPath(env = process.env): Promise<string> {
  cached ??= new Promise((resolve) => {
    const shell = env.SHELL
    const fallback = env.PATH ?? ''
    if (!shell || process.platform === 'win32') return resolve(fallback)
    execFile(shell, ['-ilc', 'printf "__MESHDECK_PATH__%s__" "$PATH"'], { timeout: 5_000, env }, (err, stdout) => {
      const match = /__MESHDECK_PATH__(.*)__/.exec(stdout)
      resolve(err || !match?.[1] ? fallback : mergePaths(match[1], fallback))
    })
  })
  return cached
}

function mergePaths(first: string, second: string): string {
  return [...new Set([...first.split(delimiter), ...second.split(delimiter)].filter(Boolean))].join(delimiter)
}

/** Where `command` resolves on PATH, or null (so a missing plugin is named before anything runs). */
export function findOnPath(command: string, pathValue: string, baseDir?: string): string | null {
  const candidates = command.includes('/') ? [isAbsolute(command) ? command : join(baseDir ?? process.cwd(), command)] : pathValue.split(delimiter).filter(Boolean).map((dir) => join(dir, command))
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; try the next directory
    }
  }
  return null
}
