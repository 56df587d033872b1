import { installDisposableTracker } from './disposable-tracker'
import { firstProjectFrame, formatCreationStack } from './creation-stack'
import { installProcessMarker, markedProcesses } from './marked-processes'
import { installNodeTrackers } from './node-trackers'
import { nextSeq, openResources, untrackedDelay, type LeakKind } from './registry'
import { thirdPartyException } from './third-party'

// The leak guard: what a test file created and did not release by the time it ended. VS Code's
// ensureNoDisposablesAreLeakedInTestSuite() is the model; beyond Disposables it watches what Node
// itself can leave running (timers, child processes, servers, sockets, file watchers).

export interface Leak {
  readonly kind: LeakKind
  readonly description: string
  /** The line in our code that created it, when known. */
  readonly createdAt: string | null
  readonly stack: readonly string[]
}

export interface LeakScope {
  /** What is open now that was created since the scope opened. */
  leaks(): Leak[]
  /** Polls until nothing is open, for at most `graceMs` (teardown is often asynchronous), and returns what is left. */
  settle(graceMs?: number): Promise<Leak[]>
}

// Handle types Node lists in getActiveResourcesInfo() that the trackers above cannot name: checked
// by count as a last resort. Timers and in-flight requests (…Req…, which finish on their own) are
// left out: the runner's own hook timers come and go while the check runs.
const ignoredResourceTypes = /^(Timeout|Immediate)$|Req/

function handleCounts(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const type of process.getActiveResourcesInfo()) {
    if (!ignoredResourceTypes.test(type)) counts.set(type, (counts.get(type) ?? 0) + 1)
  }
  return counts
}

/** Starts watching (idempotent) and opens a scope that owns everything created from now on. */
export function openLeakScope(): LeakScope {
  installNodeTrackers()
  installDisposableTracker()
  installProcessMarker()
  const since = nextSeq()
  const baseline = handleCounts()

  const leaks = (): Leak[] => {
    const found: Leak[] = openResources(since)
      .filter((r) => (r.counts?.() ?? true) && !thirdPartyException(r))
      .map((r) => ({
        kind: r.kind,
        description: r.describe(),
        createdAt: r.created ? firstProjectFrame(r.created) : null,
        stack: r.created ? formatCreationStack(r.created) : [],
      }))
    // Our own children are reported above, by the scope that started them, with their stack.
    const children = new Set(openResources(0).map((r) => r.pid?.()))
    for (const p of markedProcesses()) {
      if (children.has(p.pid)) continue
      found.push({
        kind: 'process',
        description: `pid ${p.pid} (started by a child of this test, which stopped without ending it) is still running: ${p.commandLine}`,
        createdAt: null,
        stack: [],
      })
    }
    if (found.length === 0) {
      for (const [type, count] of handleCounts()) {
        const extra = count - (baseline.get(type) ?? 0)
        if (extra > 0) {
          found.push({
            kind: 'handle',
            description: `${extra} more ${type} handle${extra === 1 ? '' : 's'} open than when the file started (made outside the tracked APIs, so no creation stack)`,
            createdAt: null,
            stack: [],
          })
        }
      }
    }
    return found
  }

  return {
    leaks,
    async settle(graceMs = 2_000) {
      const deadline = Date.now() + graceMs
      for (;;) {
        const found = leaks()
        if (found.length === 0 || Date.now() >= deadline) return found
        await untrackedDelay(50)
      }
    },
  }
}

/** The failure message: each leak, the line that created it and its stack, and what to do. */
export function formatLeaks(leaks: readonly Leak[], where: string): string {
  const lines = [
    `${where} left ${leaks.length} resource${leaks.length === 1 ? '' : 's'} running. Dispose, close, clear or kill ` +
      'each before the file ends (see test/README.md, "Nothing leaks"):',
  ]
  leaks.forEach((leak, i) => {
    lines.push('', `${i + 1}. ${leak.kind}: ${leak.description}`)
    if (leak.createdAt) lines.push(`   created at ${leak.createdAt}`)
    const onlyThatLine = leak.stack.length === 1 && leak.stack[0] === leak.createdAt
    if (!onlyThatLine) for (const frame of leak.stack) lines.push(`      at ${frame}`)
  })
  return lines.join('\n')
}
