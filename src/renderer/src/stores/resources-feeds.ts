import { computed, watch, type ComputedRef } from 'vue'
import type { Connection, ResourceKind, ResourceRow } from '@shared/contract'
import { useSubscriptions } from '../lib/subscriptions'
import { useAppStore } from './app'
import { useResourcesStore, type LiveFeed } from './resources'

/**
 * For a view: live feeds of `kinds` in the context Meshdeck is looking at, started while the view
 * is on screen and stopped when it leaves or the context changes.
 */
export function useFeeds(kinds: ResourceKind[]): {
  context: ComputedRef<string | null>
  /** The context's connection; when it failed, its error says why and what to do. */
  connection: ComputedRef<Connection | null>
  retry: () => void
  feedOf: (kind: ResourceKind) => LiveFeed | undefined
  rowsOf: <R extends ResourceRow>(kind: ResourceKind) => R[]
} {
  const app = useAppStore()
  const store = useResourcesStore()
  const context = computed(() => app.status?.currentContext ?? app.contexts?.selected ?? null)

  // Connect first and subscribe only when connected: a cluster that cannot be reached shows one
  // clear error (cause and fix) instead of a failed call per kind.
  let subscribed: string | null = null
  const release = (): void => {
    if (subscribed) for (const kind of kinds) store.unsubscribe(subscribed, kind)
    subscribed = null
  }
  const open = async (next: string | null): Promise<void> => {
    release()
    if (!next) return
    const c = await store.connect(next)
    if (c.state !== 'connected' || context.value !== next || subscribed !== null || unmounted) return
    subscribed = next
    for (const kind of kinds) void store.subscribe(next, kind)
  }
  let unmounted = false
  watch(context, (next) => void open(next), { immediate: true })
  useSubscriptions().add(() => {
    unmounted = true
    release()
  })
  const connection = computed(() => (context.value ? (store.connections.get(context.value) ?? null) : null))
  const retry = (): void => void open(context.value)

  const feedOf = (kind: ResourceKind): LiveFeed | undefined => (context.value ? store.feeds.get(`${context.value}\u0000${kind}`) : undefined)
  const rowsOf = <R extends ResourceRow>(kind: ResourceKind): R[] => {
    const f = feedOf(kind)
    if (!f) return []
    void f.tick // depend on the batch counter; the map itself is raw
    return [...f.rows.values()] as R[]
  }
  return { context, connection, retry, feedOf, rowsOf }
}
