import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { localClusterSettingsSchema, type LocalClusterSettings } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'

const defaults: LocalClusterSettings = { kindPath: null, binariesDir: null, engine: null }

/** `<dataDir>/local-clusters/settings.json`: where kind and the Docker-free binaries come from. */
export class SettingsStore {
  private readonly file: string

  constructor(dataDir: string) {
    this.file = join(dataDir, 'local-clusters', 'settings.json')
  }

  async get(): Promise<LocalClusterSettings> {
    try {
      const parsed = localClusterSettingsSchema.safeParse(JSON.parse(await fs.readFile(this.file, 'utf8')))
      return parsed.success ? parsed.data : { ...defaults }
    } catch {
      return { ...defaults }
    }
  }

  async set(patch: Partial<LocalClusterSettings>): Promise<LocalClusterSettings> {
    const next = { ...(await this.get()), ...patch }
    await writeFileAtomic(this.file, `${JSON.stringify(next, null, 2)}\n`)
    return next
  }
}
