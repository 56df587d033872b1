import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { isFinished, type RolloutState } from '../rollout-machine'

/** Where rollout states are kept; the runner saves after every transition. */
export interface RolloutPersistence {
  save(state: RolloutState): Promise<void>
  load(id: string): Promise<RolloutState | undefined>
  list(): Promise<{ rollouts: RolloutState[]; unreadable: string[] }>
  active(): Promise<RolloutState[]>
}

/**
 * Rollouts persisted as one JSON file each, rewritten atomically after every transition, so a
 * Meshdeck restart finds exactly the step it was on. Finished rollouts stay as history.
 */
export class RolloutStore implements RolloutPersistence {
  constructor(private readonly dir: string) {}

  async save(state: RolloutState): Promise<void> {
    await writeFileAtomic(join(this.dir, `${safeName(state.spec.id)}.json`), JSON.stringify(state, null, 2))
  }

  async load(id: string): Promise<RolloutState | undefined> {
    try {
      return JSON.parse(await fs.readFile(join(this.dir, `${safeName(id)}.json`), 'utf8')) as RolloutState
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** Every rollout on disk, newest first; unreadable files are reported, not dropped silently. */
  async list(): Promise<{ rollouts: RolloutState[]; unreadable: string[] }> {
    let names: string[]
    try {
      names = (await fs.readdir(this.dir)).filter((n) => n.endsWith('.json'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rollouts: [], unreadable: [] }
      throw err
    }
    const rollouts: RolloutState[] = []
    const unreadable: string[] = []
    for (const name of names) {
      try {
        rollouts.push(JSON.parse(await fs.readFile(join(this.dir, name), 'utf8')) as RolloutState)
      } catch {
        unreadable.push(join(this.dir, name))
      }
    }
    rollouts.sort((a, b) => (b.timeline[0]?.at ?? 0) - (a.timeline[0]?.at ?? 0))
    return { rollouts, unreadable }
  }

  async active(): Promise<RolloutState[]> {
    return (await this.list()).rollouts.filter((r) => !isFinished(r.phase))
  }
}

function safeName(id: string): string {
  return id.replace(/[^a-zA-Z0-9._-]/g, '_')
}
