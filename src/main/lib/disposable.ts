/** Anything that holds a resource (server, watch, child process, timer) and must be released by its owner. */
export interface Disposable {
  dispose(): void | Promise<void>
}

/**
 * Watches Disposables being created and owned, so a test can fail when one is never disposed
 * (test/leaks installs one). Production installs none: tracking then costs one null check.
 */
export interface DisposableTracker {
  /** `disposable` now holds a resource; whoever created it must dispose it. */
  track(disposable: Disposable): void
  /** `parent` owns `child` and disposes it with itself. */
  setParent(child: Disposable, parent: Disposable): void
}

let tracker: DisposableTracker | null = null

/** Installs (or, with null, removes) the tracker; returns the previous one. Tests only. */
export function setDisposableTracker(next: DisposableTracker | null): DisposableTracker | null {
  const previous = tracker
  tracker = next
  return previous
}

/**
 * Declares that `disposable` holds a resource and must be disposed by its owner. Services call it on
 * themselves (`trackDisposable(this)` in the constructor); factories on what they return.
 */
export function trackDisposable<T extends Disposable>(disposable: T): T {
  tracker?.track(disposable)
  return disposable
}

/** Releases what it holds in reverse order of acquisition, once. */
export class DisposableStack implements Disposable {
  private readonly items: Disposable[] = []
  private disposed = false

  constructor() {
    trackDisposable(this)
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) throw new Error('DisposableStack is already disposed')
    tracker?.setParent(item, this)
    this.items.push(item)
    return item
  }

  defer(fn: () => void | Promise<void>): void {
    this.add({ dispose: fn })
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    const errors: unknown[] = []
    for (const item of this.items.reverse()) {
      try {
        await item.dispose()
      } catch (err) {
        errors.push(err)
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some resources failed to dispose')
  }
}
