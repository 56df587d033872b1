import type { ApiError, FeedState, ResourceKind, ResourceRow } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import { KubeRequestError, type KubeClient } from '../kube-client'
import { checkAccess } from './access-check'
import { collectionPath, endpointsFallback, kindInfo, type KindInfo } from '../../resources/kinds'
import { sleep } from './backoff'
import { Informer } from './informer'
import { summarize } from '../../resources/summarize'

export interface FeedOptions {
  context: string
  kind: ResourceKind
  client: KubeClient
  contextNamespace: string
  onChange: (upserts: ResourceRow[], deletes: string[]) => void
  onState: (state: FeedState) => void
}

/** One live kind in one context: the access check, the informer, and its state for the UI. */
export class Feed implements Disposable {
  refs = 0
  private informer: Informer | undefined
  private firstListWait: AbortController | undefined
  private disposed = false
  state: FeedState

  constructor(private readonly opts: FeedOptions) {
    this.state = { context: opts.context, kind: opts.kind, state: 'syncing', access: { scope: 'cluster', namespace: null, message: null }, error: null }
    trackDisposable(this)
  }

  rows(): ResourceRow[] {
    return this.informer ? [...this.informer.store.values()] : []
  }

  /** Resolves once the first list is in (or access is known to be missing), so a subscriber gets rows at once. */
  async start(): Promise<void> {
    const { client, kind } = this.opts
    try {
      const info = await this.resolveInfo()
      const access = await checkAccess(client, info, this.opts.contextNamespace, kind)
      if (this.disposed) return
      if (access.scope === 'none') {
        this.set({ state: 'forbidden', access, error: { code: 'no_access', message: access.message ?? 'No access', hint: 'Ask a cluster admin for list and watch rights.' } })
        return
      }
      this.set({ access })
      let firstSync: () => void = () => undefined
      const synced = new Promise<void>((resolve) => (firstSync = resolve))
      this.informer = new Informer({
        client,
        path: collectionPath(info, access.namespace),
        toItem: (object) => summarize(kind, object),
        onChange: this.opts.onChange,
        onState: (state, error) => {
          this.set({ state, error })
          if (state !== 'retrying') firstSync()
        },
      })
      this.informer.start()
      // The wait for the first list is bounded; its timer ends with it (or with the feed), so a
      // synced feed leaves no 15 s timer behind to keep a CLI alive or fire after dispose.
      this.firstListWait = new AbortController()
      await Promise.race([synced, sleep(15_000, this.firstListWait.signal)])
      this.firstListWait.abort()
    } catch (err) {
      this.set({ state: 'failed', error: client.explain(err).toApiError() })
    }
  }

  /** EndpointSlices moved from v1beta1 (1.17–1.20) to v1 (1.21); Endpoints are the last resort. */
  private async resolveInfo(): Promise<KindInfo> {
    const info = kindInfo[this.opts.kind]
    if (this.opts.kind !== 'endpointslices') return info
    for (const version of info.versions) {
      try {
        await this.opts.client.json('GET', `/apis/${info.group}/${version}`)
        return { kind: info.kind, group: info.group, versions: [version], plural: info.plural, namespaced: info.namespaced }
      } catch (err) {
        if (!(err instanceof KubeRequestError && err.status === 404)) throw err
      }
    }
    return endpointsFallback
  }

  private set(patch: Partial<Omit<FeedState, 'context' | 'kind'>> & { error?: ApiError | null }): void {
    this.state = { ...this.state, ...patch }
    if (!this.disposed) this.opts.onState(this.state)
  }

  dispose(): void {
    this.disposed = true
    this.firstListWait?.abort()
    this.informer?.dispose()
  }
}
