import { promises as fs } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { MeshdeckError } from '@shared/contract'
import { removeStaleWriteTemps } from '../lib/io/atomic-write'

/**
 * Folders under the data dir that Meshdeck writes with writeFileAtomic: rollouts, the CA and its
 * generations, workload certificates (<ns>/<name>), the demo's and the desktop's mesh folders.
 */
const writtenSubfolders = ['rollouts', 'ca', 'workload-certs', 'demo-mesh', 'mesh']
const walkDepth = 3

/** Where settings, mesh config and the CA live: $MESHDECK_HOME, else ~/.meshdeck. */
export function defaultDataDir(): string {
  return process.env.MESHDECK_HOME ?? join(homedir(), '.meshdeck')
}

const octal = (mode: number): string => `0${(mode & 0o777).toString(8)}`

/**
 * The data dir holds the mesh CA's private key and workload keys: only its owner may enter it.
 * A new one is made 0700. An existing one of ours that others may enter is tightened to 0700 (as
 * ssh insists for ~/.ssh), except the home folder itself, which is only reported. One that another
 * user owns and others may write to is refused: whoever can write there can swap the CA.
 * Returns what a person should be told (nothing when all is well).
 */
export async function securePrivateDir(dir: string): Promise<string[]> {
  const created = await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const stats = await fs.stat(dir)
  if (!stats.isDirectory()) {
    throw new MeshdeckError('data_dir_invalid', `The Meshdeck data folder ${dir} is not a folder.`, 'Point MESHDECK_HOME at a folder (it is created if missing).')
  }
  // Modes and owners mean nothing on Windows; its profile folders are private already.
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return []
  if (created !== undefined) {
    await fs.chmod(dir, 0o700)
    return []
  }
  if ((stats.mode & 0o077) === 0) return []
  if (stats.uid !== process.getuid()) {
    if ((stats.mode & 0o022) !== 0) {
      throw new MeshdeckError(
        'data_dir_unsafe',
        `The Meshdeck data folder ${dir} belongs to another user and others may write to it (mode ${octal(stats.mode)}); Meshdeck keeps its CA key there.`,
        'Set MESHDECK_HOME to a folder of your own (it is created 0700 if missing).',
      )
    }
    return [`The Meshdeck data folder ${dir} belongs to another user (mode ${octal(stats.mode)}); keys kept there are readable by that user.`]
  }
  if (resolve(dir) === resolve(homedir())) {
    return [`The Meshdeck data folder is your home folder (mode ${octal(stats.mode)}); others who may enter it can read Meshdeck's files. Set MESHDECK_HOME to a folder of its own.`]
  }
  await fs.chmod(dir, 0o700)
  return [`The Meshdeck data folder ${dir} was open to others (mode ${octal(stats.mode)}); it is now 0700, as it holds the CA key.`]
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => [])
  // Dirent says symlink for a link: links are not followed, so nothing outside is touched.
  return entries.filter((e) => e.isDirectory()).map((e) => join(dir, e.name))
}

/**
 * Removes writeFileAtomic's temp files left by an interrupted write (a crash, a kill) from the
 * folders Meshdeck writes: the data dir, its known subfolders (a few levels deep) and the mesh
 * folder. Returns the files removed.
 */
export async function removeInterruptedWrites(dataDir: string, meshDir?: string): Promise<string[]> {
  const folders = new Set<string>([dataDir])
  let level = writtenSubfolders.map((name) => join(dataDir, name))
  for (let depth = 1; depth <= walkDepth && level.length > 0; depth++) {
    for (const folder of level) folders.add(folder)
    level = (await Promise.all(level.map(subfolders))).flat()
  }
  if (meshDir) folders.add(meshDir)
  const removed: string[] = []
  for (const folder of folders) removed.push(...(await removeStaleWriteTemps(folder)))
  return removed
}
