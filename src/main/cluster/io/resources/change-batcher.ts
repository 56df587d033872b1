import type { ResourceChange, ResourceKind, ResourceRow } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../../lib/disposable'

interface Pending {
  context: string
  kind: ResourceKind
  upserts: Map<string, ResourceRow>
  deletes: Set<string>
}

/**
 * Collects row changes from every feed and hands them out at most every `intervalMs` as one
 * batch: a pod that changes 20 times in 100 ms crosses to the renderer once, in its last state.
 */
export class ChangeBatcher implements Disposable {
  private pending = new Map<string, Pending>()
  private readonly versions = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly emit: (changes: ResourceChange[]) => void,
    private readonly intervalMs = 100,
  ) {
    trackDisposable(this)
  }

  static key(context: string, kind: ResourceKind): string {
    return `${context}\u0000${kind}`
  }

  /** The version of the last batch sent for a feed; a snapshot taken now includes all before it. */
  version(context: string, kind: ResourceKind): number {
    return this.versions.get(ChangeBatcher.key(context, kind)) ?? 0
  }

  add(context: string, kind: ResourceKind, upserts: ResourceRow[], deletes: string[]): void {
    const key = ChangeBatcher.key(context, kind)
    let p = this.pending.get(key)
    if (!p) {
      p = { context, kind, upserts: new Map(), deletes: new Set() }
      this.pending.set(key, p)
    }
    for (const uid of deletes) {
      p.upserts.delete(uid)
      p.deletes.add(uid)
    }
    for (const row of upserts) {
      p.deletes.delete(row.uid)
      p.upserts.set(row.uid, row)
    }
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  /** Drops what is pending for a feed that nobody watches any more. */
  forget(context: string, kind: ResourceKind): void {
    this.pending.delete(ChangeBatcher.key(context, kind))
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = [...this.pending.entries()]
    this.pending = new Map()
    const changes: ResourceChange[] = []
    for (const [key, p] of batch) {
      if (p.upserts.size === 0 && p.deletes.size === 0) continue
      const version = (this.versions.get(key) ?? 0) + 1
      this.versions.set(key, version)
      changes.push({ context: p.context, kind: p.kind, version, upserts: [...p.upserts.values()], deletes: [...p.deletes] })
    }
    if (changes.length > 0) this.emit(changes)
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.pending.clear()
  }
}
