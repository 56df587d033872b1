// The resources the leak guard has seen created in this process, each with its creation stack.
// Kept on globalThis so that a setup file evaluated once per test file (vitest's isolate: false)
// still shares one registry with the patches it installed the first time.

export type LeakKind = 'timer' | 'child process' | 'server' | 'socket' | 'file watcher' | 'disposable' | 'process' | 'handle'

export interface TrackedResource {
  readonly kind: LeakKind
  /** Creation order: a scope owns what was created after it opened. */
  readonly seq: number
  readonly created: Error | null
  /** For a child process: its pid. */
  readonly pid?: () => number | undefined
  /** For a socket: the socket (third-party exceptions look at its TCP state). */
  readonly socket?: import('node:net').Socket
  /** Still holding its resource (cheap: called on every prune). */
  isOpen(): boolean
  /** Whether an open resource is a leak at all (e.g. a library's unref'd timer is not ours to clear). */
  counts?(): boolean
  describe(): string
}

interface Registry {
  seq: number
  readonly live: Set<TrackedResource>
  pruneAt: number
  readonly installed: Set<string>
  /** Node's own setTimeout, saved before the timer tracker wraps it. */
  readonly setTimeout: typeof setTimeout
}

const key = Symbol.for('meshdeck.leakGuard.registry')
const holder = globalThis as { [key]?: Registry }
const registry: Registry = (holder[key] ??= { seq: 0, live: new Set(), pruneAt: 1024, installed: new Set(), setTimeout: globalThis.setTimeout })

export const nextSeq = (): number => ++registry.seq

/** Remembers `resource` until it is no longer open. */
export function track(resource: TrackedResource): void {
  registry.live.add(resource)
  if (registry.live.size >= registry.pruneAt) prune()
}

/** Forgets closed resources; amortised so that tracking every timer stays cheap. */
function prune(): void {
  for (const r of registry.live) if (!r.isOpen()) registry.live.delete(r)
  registry.pruneAt = Math.max(1024, registry.live.size * 2)
}

/** Open resources created at or after `sinceSeq`. */
export function openResources(sinceSeq: number): TrackedResource[] {
  prune()
  return [...registry.live].filter((r) => r.seq >= sinceSeq).sort((a, b) => a.seq - b.seq)
}

/** Runs `install` once per process under `name` (patches must not stack). */
export function installOnce(name: string, install: () => void): void {
  if (registry.installed.has(name)) return
  registry.installed.add(name)
  install()
}

/** Waits without being tracked: the guard's own polling is not the test's timer. */
export const untrackedDelay = (ms: number): Promise<void> => new Promise((resolve) => registry.setTimeout(resolve, ms))
