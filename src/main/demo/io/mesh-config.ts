import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { demoNamespace, demoPortName, type DemoWorkloadSpec } from '../topology'

/** The file the supervisor owns in the mesh folder; rewritten whole on every start. */
export const workloadEntriesFile = 'demo-workload-entries.yaml'

export interface PlacedWorkload {
  spec: DemoWorkloadSpec
  port: number
}

/**
 * One WorkloadEntry per serving demo instance, at 127.0.0.1 and the port it really binds. The
 * ServiceEntries select them by `app`, the reviews DestinationRule splits them by `version`.
 * Pure: returns the YAML text.
 */
export function renderWorkloadEntries(placed: readonly PlacedWorkload[]): string {
  const header =
    '# Written by Meshdeck\'s demo supervisor on every demo start: one WorkloadEntry per running\n' +
    '# demo process, with the loopback port it actually bound. Edits here are overwritten.\n'
  const docs = placed
    .filter((p) => p.spec.serves)
    .map((p) =>
      stringify({
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: p.spec.name, namespace: demoNamespace, labels: { 'app.kubernetes.io/managed-by': 'meshdeck-demo' } },
        spec: {
          address: '127.0.0.1',
          ports: { [demoPortName]: p.port },
          labels: { app: p.spec.role, version: p.spec.version },
          serviceAccount: p.spec.role,
        },
      }),
    )
  return header + docs.map((doc) => `---\n${doc}`).join('')
}

/** The seed files under resources/demo/mesh that a fresh mesh folder starts from. */
export async function seedMeshDir(seedDir: string, meshDir: string): Promise<string[]> {
  await fs.mkdir(meshDir, { recursive: true })
  const copied: string[] = []
  for (const name of (await fs.readdir(seedDir)).filter((n) => n.endsWith('.yaml')).sort()) {
    const target = join(meshDir, name)
    // A seed that is already there may carry the user's edits (moved weights): keep it.
    const exists = await fs.stat(target).then(
      () => true,
      () => false,
    )
    if (exists) continue
    await writeFileAtomic(target, await fs.readFile(join(seedDir, name)))
    copied.push(name)
  }
  return copied
}

export async function writeWorkloadEntries(meshDir: string, placed: readonly PlacedWorkload[]): Promise<string> {
  const path = join(meshDir, workloadEntriesFile)
  await writeFileAtomic(path, renderWorkloadEntries(placed))
  return path
}
