import { getCurrentScope, onScopeDispose } from 'vue'
import type { EventName, EventPayload } from '@shared/contract'
import { documentVisibility, type VisibilitySource } from './visibility'

type Release = () => void

/** Where events come from: the API client, or a stand-in in tests. */
export type EventSource = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) => Release

export interface PollOptions {
  /** Run the task at once (default), or first after one period. */
  immediate?: boolean
}

/**
 * Everything a page (or a store on its behalf) listens to and every timer it runs, released
 * together when the page unmounts. Polling runs only while the page is visible: it stops when the
 * window is hidden and catches up with one run when it is shown again.
 */
export interface Subscriptions {
  /** Listens to an event from main. */
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void
  /** Runs `task` every `everyMs` while the page is visible; a run still going skips the next tick. */
  poll(task: () => unknown, everyMs: number, options?: PollOptions): void
  /** Runs `task` once after `ms` (unless released first); returns a cancel for a debounce. */
  later(task: () => void, ms: number): Release
  /** Anything else to release with the rest: an unsubscribe function or a disposable. */
  add(release: Release | { dispose(): void }): void
  /** A nested set, released with this one or on its own (e.g. a poll per selected item). */
  child(): Subscriptions
  /** Releases everything now (also done on unmount); later additions are released at once. */
  dispose(): void
}

/**
 * The app's event source, set once at start (main.ts: the API client's `on`). Kept out of this
 * module's imports so it stays free of the window and the transport, and testable on its own.
 */
let appEvents: EventSource | undefined
export function setEventSource(source: EventSource): void {
  appEvents = source
}

const noEventSource: EventSource = () => {
  throw new Error('No event source: main.ts sets one with setEventSource() before the app mounts')
}

export interface SubscriptionOptions {
  events?: EventSource
  visibility?: VisibilitySource
}

/**
 * Collects subscriptions and timers and releases them when the current component (or effect
 * scope) ends. Call it in `setup`, or in a store function a page's setup calls.
 */
export function useSubscriptions(options: SubscriptionOptions = {}): Subscriptions {
  if (!getCurrentScope()) throw new Error('useSubscriptions() must run in a component setup or an effect scope, which releases it')
  const subs = createSubscriptions(options)
  onScopeDispose(() => subs.dispose())
  return subs
}

/** The same, released only by calling dispose(): for owners that are not Vue scopes. */
export function createSubscriptions(options: SubscriptionOptions = {}): Subscriptions {
  const { events = appEvents ?? noEventSource, visibility = documentVisibility } = options
  const releases = new Set<Release>()
  let disposed = false

  const add = (release: Release): void => {
    if (disposed) release()
    else releases.add(release)
  }

  return {
    on(event, handler) {
      add(events(event, handler))
    },

    poll(task, everyMs, { immediate = true } = {}) {
      let timer: ReturnType<typeof setInterval> | undefined
      let running = false
      // A task reports its own failures (a store's error); a poll never throws and keeps going.
      const run = (): void => {
        if (running) return
        running = true
        let result: unknown
        try {
          result = task()
        } catch {
          running = false
          return
        }
        void Promise.resolve(result)
          .catch(() => undefined)
          .finally(() => (running = false))
      }
      const start = (now: boolean): void => {
        if (timer !== undefined || disposed) return
        if (now) run()
        timer = setInterval(run, everyMs)
      }
      const stop = (): void => {
        if (timer !== undefined) clearInterval(timer)
        timer = undefined
      }
      if (visibility.visible()) start(immediate)
      // Shown again: catch up at once rather than show stale data for a period.
      const off = visibility.onChange(() => (visibility.visible() ? start(true) : stop()))
      add(() => {
        off()
        stop()
      })
    },

    later(task, ms) {
      const timer = setTimeout(() => {
        releases.delete(cancel)
        task()
      }, ms)
      const cancel = (): void => {
        clearTimeout(timer)
        releases.delete(cancel)
      }
      add(cancel)
      return cancel
    },

    add(release) {
      add(typeof release === 'function' ? release : () => release.dispose())
    },

    child() {
      const nested = createSubscriptions(options)
      const release = (): void => nested.dispose()
      add(release)
      return {
        ...nested,
        dispose: () => {
          releases.delete(release)
          nested.dispose()
        },
      }
    },

    dispose() {
      disposed = true
      for (const release of [...releases]) release()
      releases.clear()
    },
  }
}
