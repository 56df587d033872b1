/** Anything that holds a resource (server, watch, child process, timer) and must be released by its owner. */
export interface Disposable {
  dispose(): void | Promise<void>
}

/** Releases what it holds in reverse order of acquisition, once. */
export class DisposableStack implements Disposable {
  private readonly items: Disposable[] = []
  private disposed = false

  add<T extends Disposable>(item: T): T {
    if (this.disposed) throw new Error('DisposableStack is already disposed')
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
