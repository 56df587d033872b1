import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomic } from '../../src/main/lib/io/atomic-write'
import { toYaml } from './xds-mesh-fixtures'

/** A throw-away mesh folder; write() replaces a file atomically as Meshdeck's own writes do. */
export interface MeshDir {
  dir: string
  write(file: string, docs: Record<string, unknown>[]): Promise<void>
  writeText(file: string, text: string): Promise<void>
  dispose(): Promise<void>
}

export async function createMeshDir(): Promise<MeshDir> {
  const dir = await mkdtemp(join(tmpdir(), 'meshdeck-xds-'))
  return {
    dir,
    write: (file, docs) => writeFileAtomic(join(dir, file), toYaml(docs)),
    writeText: (file, text) => writeFileAtomic(join(dir, file), text),
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
