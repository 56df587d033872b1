import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { MeshSourceUpdate } from '../../src/main/mesh'
import { startDirectorySource, type DirectorySource } from '../../src/main/mesh/io'
import { eventually } from '../support/xds-grpc'
import { serviceEntryYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// The watched YAML folder on a real file system.
let meshDir: MeshDir | undefined
let source: DirectorySource | undefined

afterEach(async () => {
  await source?.dispose()
  await meshDir?.dispose()
})

async function start(): Promise<MeshSourceUpdate[]> {
  meshDir = await createMeshDir()
  await meshDir.write('a.yaml', [serviceEntryYaml({ name: 'a', host: 'a.demo', port: 1 })])
  const updates: MeshSourceUpdate[] = []
  source = await startDirectorySource({ dir: meshDir.dir, onChange: (u) => updates.push(u) })
  return updates
}

describe('mesh folder source', () => {
  it('delivers one update for a burst of edits', async () => {
    const updates = await start()
    expect(updates).toHaveLength(1)
    for (let i = 1; i <= 5; i++) await meshDir?.write('b.yaml', [workloadEntryYaml({ name: 'a-1', app: 'a', port: 1000 + i })])
    await eventually(() => (updates.length >= 2 ? true : undefined), 3000, 'an update')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(updates).toHaveLength(2)
    expect(updates[1]?.snapshot.version).toBe(2)
    expect(updates[1]?.snapshot.workloadEntries[0]?.spec.ports).toEqual({ grpc: 1005 })
  })

  it('keeps a broken file’s last good objects, reports its line, and drops a deleted file’s objects', async () => {
    const updates = await start()
    await meshDir?.writeText('a.yaml', 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: a\n')
    await eventually(() => (updates.length >= 2 ? true : undefined), 3000, 'an update')
    const broken = updates.at(-1)
    expect(broken?.snapshot.serviceEntries.map((s) => s.name)).toEqual(['a'])
    // The unclosed `{` opens on line 3; the parser notices at the end of the document.
    expect(broken?.problems[0]).toMatchObject({ severity: 'error', source: { file: 'a.yaml' } })
    expect(broken?.problems[0]?.source?.line).toBeGreaterThanOrEqual(3)
    expect(broken?.problems[0]?.source?.line).toBeLessThanOrEqual(4)
    await rm(join(meshDir?.dir ?? '', 'a.yaml'))
    await eventually(() => (updates.at(-1)?.snapshot.serviceEntries.length === 0 ? true : undefined), 3000, 'the objects to go')
    expect(updates.at(-1)?.problems).toEqual([])
  })

  it('refuses the same object in two files, naming both', async () => {
    const updates = await start()
    await meshDir?.write('copy.yaml', [serviceEntryYaml({ name: 'a', host: 'other.demo', port: 2 })])
    await eventually(() => (updates.length >= 2 ? true : undefined), 3000, 'an update')
    expect(updates.at(-1)?.problems[0]?.message).toBe('ServiceEntry/demo/a is also defined in a.yaml; this copy is ignored.')
    expect(updates.at(-1)?.snapshot.serviceEntries[0]?.spec.hosts).toEqual(['a.demo'])
  })
})
