import { promises as fs } from 'node:fs'

async function readNumber(path: string): Promise<number | null> {
  try {
    const value = Number((await fs.readFile(path, 'utf8')).trim())
    return Number.isFinite(value) ? value : null
  } catch {
    return null
  }
}

/** The host's inotify limits (Linux; containers share them, they are not namespaced). */
export async function inotifyLimits(): Promise<{ watches: number | null; instances: number | null }> {
  return {
    watches: await readNumber('/proc/sys/fs/inotify/max_user_watches'),
    instances: await readNumber('/proc/sys/fs/inotify/max_user_instances'),
  }
}
