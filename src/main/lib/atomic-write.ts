import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { dirname, join, basename } from 'node:path'

/**
 * Writes a file so readers see either the old content or the new, never half: a temp file in the
 * same folder, fsync, then rename over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path)
  await fs.mkdir(dir, { recursive: true })
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  const handle = await fs.open(temp, 'wx', mode)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await fs.chmod(temp, mode)
    await fs.rename(temp, path)
  } catch (err) {
    await fs.rm(temp, { force: true })
    throw err
  }
}
