import { promises as fs } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { checkIdentity } from '../spiffe'
import { checkWorkloadName } from './workload-files'

/*
 * <dataDir>/registered-workloads/<namespace>/<workload>.json: one file per workload whose
 * certificate was asked for by `meshdeck bootstrap --certs` or mesh.bootstrap. The files outlive
 * the process that wrote them, so whichever Meshdeck runs on this data folder (now or later)
 * renews those certificates; deleting a file stops that. One file per workload means a CLI run
 * and a running Meshdeck never rewrite each other's entries.
 */

const registrationSchema = z
  .object({
    version: z.literal(1),
    namespace: z.string(),
    serviceAccount: z.string(),
    workload: z.string(),
    /** Where cert-chain.pem, key.pem and root-cert.pem are kept. */
    certsDir: z.string(),
  })
  .strict()
export type WorkloadRegistration = Omit<z.infer<typeof registrationSchema>, 'version'>

export interface RegistryListing {
  registrations: { file: string; registration: WorkloadRegistration }[]
  /** Files that are not a usable registration, with why; they are left as they are. */
  problems: { file: string; message: string }[]
}

export class WorkloadRegistry {
  constructor(readonly dir: string) {}

  fileOf(namespace: string, workload: string): string {
    return join(this.dir, namespace, `${workload}.json`)
  }

  /** Validates, then writes atomically; returns the file. */
  async write(registration: WorkloadRegistration): Promise<string> {
    checkRegistration(registration)
    const file = this.fileOf(registration.namespace, registration.workload)
    await writeFileAtomic(file, `${JSON.stringify({ version: 1, ...registration }, null, 2)}\n`, 0o644)
    return file
  }

  async list(): Promise<RegistryListing> {
    const listing: RegistryListing = { registrations: [], problems: [] }
    for (const namespace of await folderEntries(this.dir)) {
      const nsDir = join(this.dir, namespace)
      for (const name of await folderEntries(nsDir)) {
        if (!name.endsWith('.json')) continue
        const file = join(nsDir, name)
        try {
          const registration = registrationSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')))
          checkRegistration(registration)
          if (registration.namespace !== namespace || `${registration.workload}.json` !== name) {
            throw new Error(`it names ${registration.namespace}/${registration.workload}, not ${namespace}/${name.slice(0, -'.json'.length)}`)
          }
          const { version: _version, ...rest } = registration
          listing.registrations.push({ file, registration: rest })
        } catch (err) {
          listing.problems.push({ file, message: err instanceof z.ZodError || err instanceof SyntaxError ? 'is not a valid workload registration (damaged JSON)' : describe(err) })
        }
      }
    }
    return listing
  }
}

function checkRegistration(registration: WorkloadRegistration): void {
  checkIdentity(registration)
  checkWorkloadName(registration.workload)
  if (!isAbsolute(registration.certsDir)) throw new Error(`certsDir "${registration.certsDir}" is not an absolute path`)
}

async function folderEntries(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return []
    throw err
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
