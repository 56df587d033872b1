import type { ApiError, FeedState, ResourceRow } from '@shared/contract'
import { readListPage, readObjectMeta, readStatus } from '../../../model'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import { KubeRequestError, type KubeClient, type WatchEvent } from '../kube-client'
import { backoffDelay, sleep } from './backoff'
import type { KubeObject } from '../../resources/summarize'

/** What an informer keeps per object: the UI keeps compact rows, the mesh keeps what it translates. */
export interface InformerItem {
  uid: string
}

export interface InformerOptions<T extends InformerItem = ResourceRow> {
  client: KubeClient
  /** Collection path, e.g. /api/v1/pods or /api/v1/namespaces/team-a/pods. */
  path: string
  /** Turns an API object into what the store keeps (list items carry their list's kind). */
  toItem: (object: KubeObject) => T
  pageSize?: number
  onChange: (upserts: T[], deletes: string[]) => void
  onState: (state: FeedState['state'], error: ApiError | null) => void
}

/** The watch said our resourceVersion is too old (410 Gone): only a fresh list can recover. */
class Expired extends Error {}

/**
 * List (paged with limit/continue) then watch from the list's resourceVersion, with bookmarks so
 * a quiet watch still advances; on 410 Gone relist and send only the difference; on a lost
 * connection back off and resume. The store holds compact rows keyed by uid.
 */
export class Informer<T extends InformerItem = ResourceRow> implements Disposable {
  readonly store = new Map<string, T>()
  private readonly abort = new AbortController()
  private resourceVersion = ''
  private synced = false

  constructor(private readonly opts: InformerOptions<T>) {
    trackDisposable(this)
  }

  start(): void {
    void this.run()
  }

  isSynced(): boolean {
    return this.synced
  }

  private async run(): Promise<void> {
    let attempt = 0
    const signal = this.abort.signal
    while (!signal.aborted) {
      try {
        await this.list()
        this.synced = true
        this.opts.onState('synced', null)
        attempt = 0
        await this.watchUntilExpired()
      } catch (err) {
        if (signal.aborted) return
        if (err instanceof Expired) continue
        const explained = this.opts.client.explain(err).toApiError()
        const forbidden = err instanceof KubeRequestError && err.status === 403
        this.opts.onState(forbidden ? 'forbidden' : 'retrying', explained)
        await sleep(backoffDelay(attempt++), signal)
      }
    }
  }

  private async list(): Promise<void> {
    const seen = new Map<string, T>()
    let continueToken = ''
    let resourceVersion = ''
    do {
      const query = new URLSearchParams({ limit: String(this.opts.pageSize ?? 500) })
      if (continueToken) query.set('continue', continueToken)
      const page = readListPage(await this.opts.client.json<unknown>('GET', `${this.opts.path}?${query}`))
      for (const item of page.items) {
        const row = this.opts.toItem(withKind(item, page.kind))
        seen.set(row.uid, row)
      }
      continueToken = page.metadata.continue ?? ''
      resourceVersion = page.metadata.resourceVersion ?? resourceVersion
    } while (continueToken && !this.abort.signal.aborted)
    const deletes = [...this.store.keys()].filter((uid) => !seen.has(uid))
    const upserts = [...seen.values()].filter((row) => !sameRow(this.store.get(row.uid), row))
    for (const uid of deletes) this.store.delete(uid)
    for (const row of upserts) this.store.set(row.uid, row)
    this.resourceVersion = resourceVersion
    if (upserts.length > 0 || deletes.length > 0) this.opts.onChange(upserts, deletes)
  }

  /** Watches from the current resourceVersion, reconnecting after normal closes, until 410 or an error. */
  private async watchUntilExpired(): Promise<void> {
    let attempt = 0
    const signal = this.abort.signal
    while (!signal.aborted) {
      // Spread reconnects so a thousand feeds do not all re-watch in the same second.
      const timeout = 240 + Math.floor(Math.random() * 120)
      const query = new URLSearchParams({ watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: String(timeout) })
      try {
        await this.opts.client.watch(`${this.opts.path}?${query}`, (e) => this.onEvent(e), signal, () => {
          if (attempt > 0) this.opts.onState('synced', null)
          attempt = 0
        })
      } catch (err) {
        if (err instanceof Expired || signal.aborted) throw err
        if (err instanceof KubeRequestError && err.status === 410) throw new Expired()
        if (err instanceof KubeRequestError && (err.status === 401 || err.status === 403)) throw err
        this.opts.onState('retrying', this.opts.client.explain(err).toApiError())
        await sleep(backoffDelay(attempt++), signal)
      }
    }
  }

  private onEvent(event: WatchEvent): void {
    if (event.type === 'ERROR') {
      const status = readStatus(event.object)
      if (status.code === 410) throw new Expired()
      throw new KubeRequestError(status.code, undefined, status.message ?? 'watch error')
    }
    const resourceVersion = readObjectMeta(event.object.metadata).resourceVersion
    if (resourceVersion) this.resourceVersion = resourceVersion
    if (event.type === 'BOOKMARK') return
    const row = this.opts.toItem(event.object)
    if (event.type === 'DELETED') {
      if (this.store.delete(row.uid)) this.opts.onChange([], [row.uid])
      return
    }
    if (sameRow(this.store.get(row.uid), row)) return
    this.store.set(row.uid, row)
    this.opts.onChange([row], [])
  }

  dispose(): void {
    this.abort.abort()
  }
}

/** List items carry no kind; Endpoints vs EndpointSlice rows need it. */
function withKind(item: KubeObject, listKind: string | undefined): KubeObject {
  if (item.kind || !listKind) return item
  return { ...item, kind: listKind.replace(/List$/, '') }
}

function sameRow<T>(a: T | undefined, b: T): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b)
}
