import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** A path under the project's resources/ folder, found by walking up (the same code runs from src/ and out/main/). */
export function findResource(relative: string, start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', relative)
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) throw new Error(`resources/${relative} not found above ${start}`)
  }
}
