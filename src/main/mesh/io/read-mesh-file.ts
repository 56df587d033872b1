import { constants, promises as fs, type Stats } from 'node:fs'
import { formatMegabytes, maxMeshFileBytes, meshFileReadTimeoutMs } from '../limits'
import { withTimeout } from '../../lib/io/with-timeout'
import type { MeshProblem } from '../problems'

export type MeshFileRead =
  | { text: string }
  /** Removed between listing and reading: nothing to report, the next change settles it. */
  | { gone: true }
  | { problem: MeshProblem }

export interface MeshFileLimits {
  maxBytes: number
  timeoutMs: number
}

const defaultLimits: MeshFileLimits = { maxBytes: maxMeshFileBytes, timeoutMs: meshFileReadTimeoutMs }

/** What a non-regular file is, in words a person recognises in `ls -l`. */
function describeType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO (named pipe)'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  return 'not a file'
}

const fileProblem = (file: string, message: string, hint: string): { problem: MeshProblem } => ({
  problem: { severity: 'error', message, hint, source: { file, line: 1 } },
})

function notRegular(file: string, stats: Stats): { problem: MeshProblem } {
  return fileProblem(
    file,
    `${file} is ${describeType(stats)}, not a regular file; it is skipped.`,
    'Keep only regular YAML files in the mesh folder: rename it so it does not end in .yaml, or move it elsewhere.',
  )
}

function tooLarge(file: string, bytes: number, maxBytes: number): { problem: MeshProblem } {
  return fileProblem(
    file,
    `${file} is ${formatMegabytes(bytes)}; Meshdeck reads mesh files of up to ${formatMegabytes(maxBytes)}. It is not read; its last good objects keep serving.`,
    `Split it into several files of at most ${formatMegabytes(maxBytes)} each in the same folder (every *.yaml there is read).`,
  )
}

async function readBounded(path: string, file: string, maxBytes: number): Promise<MeshFileRead> {
  // Checked before opening: opening a FIFO or a device can block or have effects of its own.
  const before = await fs.stat(path)
  if (!before.isFile()) return notRegular(file, before)
  if (before.size > maxBytes) return tooLarge(file, before.size, maxBytes)
  // O_NONBLOCK: should the name be swapped for a FIFO after the check, open() still returns at once.
  const handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const stats = await handle.stat()
    if (!stats.isFile()) return notRegular(file, stats)
    // Read at most one byte past the limit: a file that grew since stat() is refused, not read whole.
    const chunks: Buffer[] = []
    let length = 0
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stats.size - length, 64 * 1024), maxBytes + 1 - length))
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null)
      if (bytesRead === 0) break
      chunks.push(chunk.subarray(0, bytesRead))
      length += bytesRead
      if (length > maxBytes) return tooLarge(file, (await handle.stat()).size, maxBytes)
    }
    return { text: Buffer.concat(chunks, length).toString('utf8') }
  } finally {
    await handle.close()
  }
}

function ioProblem(file: string, err: unknown): MeshFileRead {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return { gone: true }
  if (code === 'ENXIO') return fileProblem(file, `${file} is a socket or device, not a regular file; it is skipped.`, 'Keep only regular YAML files in the mesh folder.')
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (err instanceof Error ? err.message : String(err)))
  return fileProblem(file, `${file} cannot be read (${why}); its last good objects keep serving.`, 'Make it readable by you (chmod u+r), or remove it from the mesh folder.')
}

/**
 * Reads one mesh file, or says why not. Only regular files are opened (a FIFO, socket, device or
 * directory named *.yaml is a problem, never a hang), never more than `maxBytes`, and never for
 * longer than `timeoutMs`: a read that has not finished by then is abandoned (it closes its file
 * when the system call returns) and the file is reported, so one stuck file cannot stop a reload.
 */
export async function readMeshFile(path: string, file: string, limits: MeshFileLimits = defaultLimits): Promise<MeshFileRead> {
  return withTimeout(readBounded(path, file, limits.maxBytes).catch((err: unknown) => ioProblem(file, err)), limits.timeoutMs, () =>
    fileProblem(
      file,
      `Reading ${file} took longer than ${limits.timeoutMs / 1000} s; it is skipped this time and its last good objects keep serving.`,
      'Check the disk or network share the mesh folder is on; the file is read again on the next change.',
    ),
  )
}

export type MeshFolderList = { names: string[] } | { problem: MeshProblem }

/** The *.yaml / *.yml names in the folder (not hidden ones, so never an atomic write's temp file), or why not. */
export async function listMeshFolder(dir: string, timeoutMs: number = meshFileReadTimeoutMs): Promise<MeshFolderList> {
  const folderProblem = (why: string): { problem: MeshProblem } => ({
    problem: {
      severity: 'error',
      message: `The mesh folder ${dir} cannot be read (${why}); the config read last keeps serving.`,
      hint: 'Restore the folder or make it readable; Meshdeck reads it again every few seconds and on the next refresh.',
    },
  })
  const listing = fs.readdir(dir).then(
    (names): MeshFolderList => ({ names: names.filter(isMeshFileName).sort() }),
    (err: unknown) => folderProblem((err as NodeJS.ErrnoException).code ?? String(err)),
  )
  return withTimeout(listing, timeoutMs, () => folderProblem(`no answer within ${timeoutMs / 1000} s`))
}

/** Hidden names are skipped: writeFileAtomic's temp files (`.name.<hex>.tmp`) and editors' swap files start with a dot. */
export const isMeshFileName = (name: string): boolean => /\.ya?ml$/i.test(name) && !name.startsWith('.')
