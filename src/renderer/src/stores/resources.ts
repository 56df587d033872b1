import { defineStore } from 'pinia'
import { markRaw, reactive } from 'vue'
import type { Connection, FeedState, ResourceChange, ResourceKind, ResourceRow } from '@shared/contract'
import { ApiCallError, call, on } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { createSubscriptions, type Subscriptions } from '../lib/subscriptions'

export interface LiveFeed {
  /** Rows by uid, kept raw (not deeply reactive: 10,000 proxied rows would crawl); `tick` signals a change. */
  rows: Map<string, ResourceRow>
  tick: number
  version: number
  state: FeedState | null
  /** Why the snapshot could not be had (the feed's own troubles are in `state.error`). */
  error: PresentedError | null
  refs: number
  /** Batches that arrive while the snapshot is on its way; applied after it if newer. */
  early: ResourceChange[] | null
  /** Polls in a row at which main's version was ahead of ours (an in-flight batch explains one). */
  behind: number
}

const key = (context: string, kind: ResourceKind): string => `${context}\u0000${kind}`

/**
 * The renderer's copy of the live feeds: one snapshot per feed, then batched changes applied in
 * version order (a batch at or below the snapshot's version is already in it).
 */
export const useResourcesStore = defineStore('resources', () => {
  const feeds = reactive(new Map<string, LiveFeed>())
  const connections = reactive(new Map<string, Connection>())

  function feed(context: string, kind: ResourceKind): LiveFeed {
    let f = feeds.get(key(context, kind))
    if (!f) {
      f = { rows: markRaw(new Map()), tick: 0, version: 0, state: null, error: null, refs: 0, early: [], behind: 0 }
      feeds.set(key(context, kind), f)
    }
    return feeds.get(key(context, kind)) as LiveFeed
  }

  async function subscribe(context: string, kind: ResourceKind): Promise<void> {
    const f = feed(context, kind)
    f.refs++
    startPolling()
    if (f.refs > 1) return
    try {
      const snap = await call('resources.subscribe', { context, kind })
      if (f.refs === 0) return
      f.rows = markRaw(new Map(snap.rows.map((r) => [r.uid, r])))
      f.tick++
      f.version = snap.version
      f.state = snap.feed
      f.error = null
      const early = f.early ?? []
      f.early = null
      early.forEach(apply)
    } catch (err) {
      f.early = null
      f.error = presentError(err)
    }
  }

  /**
   * Events can be missed (the event socket opens after the first call, or reconnects after a
   * sleep); a version gap or a feed that stays behind main triggers a fresh snapshot.
   */
  async function resync(context: string, kind: ResourceKind): Promise<void> {
    const f = feeds.get(key(context, kind))
    if (!f || f.early) return
    f.early = []
    try {
      const snap = await call('resources.snapshot', { context, kind })
      f.rows = markRaw(new Map(snap.rows.map((r) => [r.uid, r])))
      f.version = snap.version
      f.state = snap.feed
      f.tick++
    } catch {
      // the next poll tries again
    }
    const early = f.early ?? []
    f.early = null
    f.behind = 0
    early.forEach(apply)
  }

  /**
   * resources.changes is the event; this safety net compares versions for missed batches. It runs
   * while any feed is live and the page is visible (a hidden window resyncs when shown again).
   */
  let poller: Subscriptions | undefined
  function startPolling(): void {
    if (poller) return
    poller = createSubscriptions()
    poller.poll(poll, 2_000, { immediate: false })
  }
  async function poll(): Promise<void> {
    const contexts = new Set([...feeds.keys()].map((k) => k.split('\u0000')[0] ?? ''))
    if (contexts.size === 0 && poller) {
      poller.dispose()
      poller = undefined
    }
    for (const context of contexts) {
      const versions = await call('resources.versions', { context }).catch(() => ({}) as Record<string, number>)
      for (const [kind, version] of Object.entries(versions)) {
        const f = feeds.get(`${context}\u0000${kind}`)
        if (!f || f.early) continue
        f.behind = version > f.version ? f.behind + 1 : 0
        if (f.behind >= 2) void resync(context, kind as ResourceKind)
      }
    }
  }

  function unsubscribe(context: string, kind: ResourceKind): void {
    const f = feeds.get(key(context, kind))
    if (!f) return
    f.refs--
    if (f.refs > 0) return
    feeds.delete(key(context, kind))
    void call('resources.unsubscribe', { context, kind }).catch(() => undefined)
  }

  function apply(change: ResourceChange): void {
    const f = feeds.get(key(change.context, change.kind))
    if (!f) return
    if (f.early) {
      f.early.push(change)
      return
    }
    if (change.version <= f.version) return
    if (change.version > f.version + 1) {
      void resync(change.context, change.kind)
      return
    }
    f.version = change.version
    for (const uid of change.deletes) f.rows.delete(uid)
    for (const row of change.upserts) f.rows.set(row.uid, row)
    f.tick++
  }

  on('resources.changes', ({ changes }) => changes.forEach(apply))
  on('resources.feed', (state) => {
    const f = feeds.get(key(state.context, state.kind))
    if (f) f.state = state
  })
  on('clusters.connection', (c) => connections.set(c.context, c))

  /** Connects (or reuses the connection); a failure comes back as a Connection with its error. */
  async function connect(context: string): Promise<Connection> {
    try {
      const c = await call('clusters.connect', { context })
      connections.set(context, c)
      return c
    } catch (err) {
      const error = err instanceof ApiCallError ? err.error : { code: 'unreachable' as const, message: String(err) }
      const c: Connection = { context, state: 'failed', server: null, serverVersion: null, namespace: 'default', error }
      connections.set(context, c)
      return c
    }
  }

  /** One object as YAML, for a detail drawer (fetched on demand, never kept). */
  async function yaml(context: string, kind: ResourceKind, namespace: string | null, name: string): Promise<string> {
    return (await call('resources.yaml', { context, kind, namespace, name })).yaml
  }

  return { feeds, connections, feed, connect, subscribe, unsubscribe, yaml }
})
