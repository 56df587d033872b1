import { stringify } from 'yaml'
import { MeshdeckError, type Connection, type FeedState, type ResourceChange, type ResourceKind, type ResourceSnapshot } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../lib/disposable'
import { KubeClient } from './kube-client'
import { kubeConfigForContext } from './kubeconfig-context'
import type { LoadedKubeconfig } from './kubeconfig-loader'
import { loginShellPath } from './login-path'
import { ChangeBatcher } from './resources/change-batcher'
import { Feed } from './resources/feed'
import { collectionPath, kindInfo } from '../resources/kinds'

export interface ConnectionEvents {
  connection: (c: Connection) => void
  changes: (changes: ResourceChange[]) => void
  feed: (state: FeedState) => void
}

interface Live {
  connection: Connection
  client: KubeClient | undefined
  feeds: Map<ResourceKind, Feed>
}

/**
 * Connections to any number of contexts at once, each with its own client, state and live feeds.
 * Feeds are shared and reference-counted: started when a view shows a kind, stopped when none does.
 */
export class ConnectionService implements Disposable {
  private readonly live = new Map<string, Live>()
  private readonly batcher: ChangeBatcher

  constructor(
    private readonly loadKubeconfig: () => Promise<LoadedKubeconfig>,
    private readonly events: ConnectionEvents,
    batchIntervalMs = 100,
  ) {
    this.batcher = new ChangeBatcher((changes) => events.changes(changes), batchIntervalMs)
    trackDisposable(this)
  }

  list(): Connection[] {
    return [...this.live.values()].map((l) => l.connection)
  }

  /** Views subscribe to several kinds at once; they must share one connection attempt, not race. */
  private readonly inFlight = new Map<string, Promise<Connection>>()

  connect(context: string): Promise<Connection> {
    const existing = this.live.get(context)
    if (existing?.connection.state === 'connected') return Promise.resolve(existing.connection)
    let attempt = this.inFlight.get(context)
    if (!attempt) {
      attempt = this.attempt(context).finally(() => this.inFlight.delete(context))
      this.inFlight.set(context, attempt)
    }
    return attempt
  }

  private async attempt(context: string): Promise<Connection> {
    const existing = this.live.get(context)
    const loaded = await this.loadKubeconfig()
    const namespace = loaded.merged.contexts.get(context)?.value.namespace ?? 'default'
    const server = loaded.merged.clusters.get(loaded.merged.contexts.get(context)?.value.cluster ?? '')?.value.server ?? null
    const entry: Live = existing ?? { connection: { context, state: 'connecting', server, serverVersion: null, namespace, error: null }, client: undefined, feeds: new Map() }
    this.live.set(context, entry)
    this.update(entry, { state: 'connecting', server, namespace, error: null })
    let client: KubeClient | undefined
    try {
      client = new KubeClient(kubeConfigForContext(loaded.merged, context, await loginShellPath()))
      const version = await client.json<{ gitVersion?: string }>('GET', '/version')
      // /version is readable anonymously; ask something that needs the credentials to catch 401 now.
      await client.json('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: 'list', resource: 'namespaces' } },
      })
      entry.client = client
      this.update(entry, { state: 'connected', serverVersion: version.gitVersion ?? null })
    } catch (err) {
      const error = (client ? client.explain(err) : err instanceof MeshdeckError ? err : new MeshdeckError('cluster_error', String(err))).toApiError()
      this.update(entry, { state: 'failed', error })
    }
    return entry.connection
  }

  private update(entry: Live, patch: Partial<Connection>): void {
    entry.connection = { ...entry.connection, ...patch }
    this.events.connection(entry.connection)
  }

  disconnect(context: string): void {
    const entry = this.live.get(context)
    if (!entry) return
    for (const [kind, feed] of entry.feeds) {
      feed.dispose()
      this.batcher.forget(context, kind)
    }
    this.live.delete(context)
    this.events.connection({ ...entry.connection, state: 'disconnected', error: null })
  }

  private async connected(context: string): Promise<Live & { client: KubeClient }> {
    const connection = await this.connect(context)
    const entry = this.live.get(context)
    if (!entry?.client || connection.state !== 'connected') {
      const error = connection.error
      throw new MeshdeckError(error?.code ?? 'not_connected', error?.message ?? `Context "${context}" is not connected.`, error?.hint)
    }
    return entry as Live & { client: KubeClient }
  }

  /** The API client of a context, connecting first if needed (for logs and other one-off reads). */
  async client(context: string): Promise<KubeClient> {
    return (await this.connected(context)).client
  }

  async subscribe(context: string, kind: ResourceKind): Promise<ResourceSnapshot> {
    const entry = await this.connected(context)
    let feed = entry.feeds.get(kind)
    if (!feed) {
      feed = new Feed({
        context,
        kind,
        client: entry.client,
        contextNamespace: entry.connection.namespace,
        onChange: (upserts, deletes) => this.batcher.add(context, kind, upserts, deletes),
        onState: (state) => this.events.feed(state),
      })
      entry.feeds.set(kind, feed)
      feed.refs++
      await feed.start()
    } else feed.refs++
    // Changes already in the store but not yet sent belong to the next batch (version + 1).
    return { feed: feed.state, version: this.batcher.version(context, kind), rows: feed.rows() }
  }

  /** The same snapshot without taking a reference: for a window that missed change events. */
  snapshot(context: string, kind: ResourceKind): ResourceSnapshot {
    const feed = this.live.get(context)?.feeds.get(kind)
    if (!feed) throw new MeshdeckError('not_found', `No live ${kind} feed for context "${context}".`, 'Subscribe first (resources.subscribe).')
    return { feed: feed.state, version: this.batcher.version(context, kind), rows: feed.rows() }
  }

  versions(context: string): Record<string, number> {
    const out: Record<string, number> = {}
    for (const kind of this.live.get(context)?.feeds.keys() ?? []) out[kind] = this.batcher.version(context, kind)
    return out
  }

  unsubscribe(context: string, kind: ResourceKind): void {
    const entry = this.live.get(context)
    const feed = entry?.feeds.get(kind)
    if (!entry || !feed) return
    feed.refs--
    if (feed.refs > 0) return
    feed.dispose()
    entry.feeds.delete(kind)
    this.batcher.forget(context, kind)
  }

  /** The full object for the detail drawer, without managedFields (noise) — fetched only on demand. */
  async yaml(context: string, kind: ResourceKind, namespace: string | null, name: string): Promise<string> {
    const entry = await this.connected(context)
    const info = kindInfo[kind]
    try {
      const object = await entry.client.json<{ metadata?: Record<string, unknown> }>('GET', `${collectionPath(info, namespace)}/${encodeURIComponent(name)}`)
      if (object.metadata) delete object.metadata.managedFields
      return stringify(object)
    } catch (err) {
      throw entry.client.explain(err)
    }
  }

  async dispose(): Promise<void> {
    for (const context of [...this.live.keys()]) this.disconnect(context)
    this.batcher.dispose()
  }
}
