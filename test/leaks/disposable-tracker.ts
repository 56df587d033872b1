import { setDisposableTracker, type Disposable, type DisposableTracker } from '../../src/main/lib/disposable'
import { captureCreationStack, creatorName } from './creation-stack'
import { installOnce, nextSeq, track } from './registry'

// Meshdeck's own Disposables, after VS Code's DisposableTracker: a tracked Disposable is open until
// its dispose() is called. One owned by another (added to a DisposableStack) is reported through
// its owner only, so a leaked Meshdeck reads as one leak, not thirty.

interface Entry {
  disposed: boolean
  parent: Disposable | null
  readonly children: Set<Disposable>
}

const entries = new WeakMap<Disposable, Entry>()
const watched = new WeakSet<Disposable>()

const entryOf = (d: Disposable): Entry => {
  let entry = entries.get(d)
  if (!entry) entries.set(d, (entry = { disposed: false, parent: null, children: new Set() }))
  return entry
}

/** Whether an owner of `d` is itself undisposed (then that owner is the leak to report). */
function hasOpenOwner(d: Disposable): boolean {
  for (let owner = entryOf(d).parent, hops = 0; owner && hops < 100; owner = entryOf(owner).parent, hops++) {
    if (!entryOf(owner).disposed) return true
  }
  return false
}

/** Undisposed tracked Disposables that `d` owns, at any depth. */
function countOwned(d: Disposable, depth = 0): number {
  let n = 0
  for (const child of entryOf(d).children) {
    if (watched.has(child) && !entryOf(child).disposed) n += 1 + (depth < 100 ? countOwned(child, depth + 1) : 0)
  }
  return n
}

function nameOf(d: Disposable, created: Error): string {
  const ctor = (d as { constructor?: { name?: string } }).constructor?.name
  const creator = creatorName(created)
  if (ctor && ctor !== 'Object') return creator && creator !== ctor ? `${ctor} (made by ${creator})` : ctor
  return creator ? `the Disposable returned by ${creator}` : 'a Disposable'
}

const tracker: DisposableTracker = {
  track(disposable) {
    if (watched.has(disposable)) return
    const entry = entryOf(disposable)
    const dispose = disposable.dispose
    const own = Object.getOwnPropertyDescriptor(disposable, 'dispose')
    try {
      // Marked on the call, not on completion (as VS Code does): a dispose() under way is not a
      // leak, and whatever it has yet to release still shows as the servers, sockets... it holds.
      Object.defineProperty(disposable, 'dispose', {
        configurable: true,
        writable: true,
        enumerable: own?.enumerable ?? false,
        value: function (this: Disposable) {
          entry.disposed = true
          return dispose.call(this)
        },
      })
    } catch {
      return // a frozen object cannot be watched; better unreported than broken
    }
    watched.add(disposable)
    const created = captureCreationStack()
    track({
      kind: 'disposable',
      seq: nextSeq(),
      created,
      isOpen: () => !entry.disposed,
      counts: () => !hasOpenOwner(disposable),
      describe: () => {
        const owned = countOwned(disposable)
        return `${nameOf(disposable, created)} was never disposed${owned > 0 ? ` (nor the ${owned} Disposable${owned === 1 ? '' : 's'} it owns)` : ''}`
      },
    })
  },
  setParent(child, parent) {
    entryOf(child).parent = parent
    entryOf(parent).children.add(child)
  },
}

/** Installs the tracker for this process (once). */
export function installDisposableTracker(): void {
  installOnce('disposables', () => setDisposableTracker(tracker))
}
