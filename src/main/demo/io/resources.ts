import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Finds a path under the project's resources/ folder by walking up from `start`: the same code
 * runs from src/ (tsx, tests) and from out/main/ (the build), and both sit under the project root.
 */
export function findResource(relative: string, start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', relative)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) throw new Error(`resources/${relative} not found above ${start}`)
  }
}
