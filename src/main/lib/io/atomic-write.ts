import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { dirname, join, basename } from 'node:path'

/** The temp file writeFileAtomic writes first: hidden, so a folder watcher reading *.yaml never picks it up. */
const tempName = (file: string): string => `.${file}.${randomBytes(6).toString('hex')}.tmp`
const tempPattern = /^\..+\.[0-9a-f]{12}\.tmp$/

/** Whether a name is one of writeFileAtomic's temp files (left behind when a write was interrupted). */
export const isAtomicWriteTemp = (name: string): boolean => tempPattern.test(name)

/**
 * Removes writeFileAtomic's temp files that an interrupted write (a crash, a kill between write and
 * rename) left in `dir`. Only files of that exact name pattern, older than `olderThanMs` (so a write
 * in flight by another process is left alone), are removed; the names removed are returned. A
 * missing folder is no error.
 */
export async function removeStaleWriteTemps(dir: string, olderThanMs = 60_000): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [])
  const removed: string[] = []
  for (const entry of entries) {
    if (!entry.isFile() || !isAtomicWriteTemp(entry.name)) continue
    const path = join(dir, entry.name)
    const stats = await fs.stat(path).catch(() => null)
    if (!stats || Date.now() - stats.mtimeMs < olderThanMs) continue
    await fs.rm(path, { force: true })
    removed.push(path)
  }
  return removed
}

/**
 * Writes a file so readers see either the old content or the new, never half: a temp file in the
 * same folder, fsync, then rename over the target.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path)
  await fs.mkdir(dir, { recursive: true })
  const temp = join(dir, tempName(basename(path)))
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
