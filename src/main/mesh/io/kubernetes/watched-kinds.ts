import type { FeedState } from '@shared/contract'
import type { KubeObject } from '../../../cluster'
import { Informer, type InformerItem, type KubeClient } from '../../../cluster/io'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import type { MeshProblem } from '../../problems'

interface Watched {
  label: string
  informer: Disposable
  state: FeedState['state']
  error: string | null
  firstAnswer: Promise<void>
}

/**
 * The informers of one mesh source (list + watch each, from cluster/), settled together: any
 * change schedules one `onSettled` call `debounceMs` later, so a burst (a kubectl apply of ten
 * objects, a rollout's pod churn) becomes one rebuild and one push. The timer is not pushed back by
 * later events, so a steady stream of changes still settles every `debounceMs`.
 */
export class WatchedKinds implements Disposable {
  private readonly watched: Watched[] = []
  private timer: NodeJS.Timeout | undefined
  private disposed = false

  constructor(
    private readonly client: KubeClient,
    private readonly onSettled: () => void,
    private readonly debounceMs = 100,
  ) {
    trackDisposable(this)
  }

  /** Starts list + watch on `path`; the store holds `toItem` of each object. */
  watch<T extends InformerItem>(label: string, path: string, toItem: (object: KubeObject) => T): Informer<T> {
    let answered: () => void = () => undefined
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve))
    const entry: Pick<Watched, 'state' | 'error'> = { state: 'syncing', error: null }
    const informer = new Informer<T>({
      client: this.client,
      path,
      toItem,
      onChange: () => this.schedule(),
      onState: (state, error) => {
        const changed = state !== entry.state || (error?.message ?? null) !== entry.error
        entry.state = state
        entry.error = error ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : null
        answered()
        if (changed) this.schedule()
      },
    })
    // The entry object is the one onState updates, so the status reads the live state.
    this.watched.push(Object.assign(entry, { label, informer, firstAnswer }))
    informer.start()
    return informer
  }

  /** Stops one informer (its kind went away or moved version); the next rebuild no longer sees it. */
  stop(informer: Disposable): void {
    const index = this.watched.findIndex((w) => w.informer === informer)
    if (index < 0) return
    this.watched.splice(index, 1)[0]?.informer.dispose()
    this.schedule()
  }

  /** Resolves when every informer has listed once or failed once (then it keeps retrying). */
  async firstAnswers(timeoutMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(this.watched.map((w) => w.firstAnswer)), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    clearTimeout(timer)
  }

  /** Kinds that are not being read right now, as warnings for the status page. */
  problems(): MeshProblem[] {
    return this.watched.flatMap((w) => {
      if (w.state === 'synced') return []
      const why = w.state === 'syncing' ? 'has not been listed yet' : w.state === 'forbidden' ? 'may not be listed or watched' : 'cannot be read'
      return [
        {
          severity: 'warning' as const,
          message: `${w.label} ${why}${w.error ? `: ${w.error}` : ''}`,
          hint: w.state === 'forbidden' ? `Grant list and watch on ${w.label} to the kubeconfig user.` : 'Meshdeck keeps retrying; the last objects read keep serving.',
        },
      ]
    })
  }

  private schedule(): void {
    if (this.disposed || this.timer) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      if (!this.disposed) this.onSettled()
    }, this.debounceMs)
  }

  /** Runs a pending rebuild now. */
  flush(): void {
    if (!this.timer) return
    clearTimeout(this.timer)
    this.timer = undefined
    this.onSettled()
  }

  dispose(): void {
    this.disposed = true
    if (this.timer) clearTimeout(this.timer)
    for (const w of this.watched) w.informer.dispose()
  }
}
