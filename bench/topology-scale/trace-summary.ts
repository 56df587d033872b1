/**
 * Reads a Chromium trace (browser.startTracing) and says what the renderer's main thread did in
 * its longest tasks: JS, style, layout, paint, canvas raster, GC. The sampling profiler alone
 * shows canvas rasterisation only as "(program)"; the trace names it.
 */

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  ts: number
  dur?: number
  /** Thread (CPU) time; wall time minus time the thread was descheduled or waiting. */
  tdur?: number
  tts?: number
  args?: { name?: string; data?: { functionName?: string; url?: string } }
}

export interface TraceFile {
  traceEvents: TraceEvent[]
}

export interface TracedTask {
  startMs: number
  durationMs: number
  /** CPU time of the task's thread: on a busy machine wall time also counts waiting for a core. */
  cpuMs: number
}

/** Every outermost task the renderer's main thread ran, with wall and CPU time. */
export function mainThreadTasks(trace: TraceFile): TracedTask[] {
  const thread = mainThread(trace.traceEvents)
  if (!thread) return []
  const tasks = completeEvents(trace.traceEvents.filter((e) => e.pid === thread.pid && e.tid === thread.tid && taskNames.has(e.name))).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  let end = -Infinity
  const outer: TracedTask[] = []
  for (const e of tasks) {
    if (e.ts < end) continue
    end = e.ts + (e.dur ?? 0)
    outer.push({ startMs: e.ts / 1000, durationMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 })
  }
  return outer
}

export interface TaskBreakdown {
  startMs: number
  durationMs: number
  cpuMs: number
  /** Self time by event name (nested events subtracted), largest first. */
  parts: { name: string; ms: number }[]
}

const taskNames = new Set(['ThreadControllerImpl::RunTask', 'RunTask'])

function mainThread(events: TraceEvent[]): { pid: number; tid: number } | null {
  const named = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  // With one page there is one renderer; pick the busiest if several exist.
  let best: { pid: number; tid: number; busy: number } | null = null
  for (const t of named) {
    const busy = events.filter((e) => e.pid === t.pid && e.tid === t.tid && e.ph === 'X' && taskNames.has(e.name)).reduce((s, e) => s + (e.dur ?? 0), 0)
    if (!best || busy > best.busy) best = { pid: t.pid, tid: t.tid, busy }
  }
  return best
}

/** Complete ('X') events, with begin/end ('B'/'E') pairs joined into the same shape. */
function completeEvents(events: TraceEvent[]): TraceEvent[] {
  const out: TraceEvent[] = []
  const open: TraceEvent[] = []
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.ph === 'X' && e.dur !== undefined) out.push(e)
    else if (e.ph === 'B') open.push(e)
    else if (e.ph === 'E') {
      const begin = open.pop()
      if (begin) out.push({ ...begin, ph: 'X', dur: e.ts - begin.ts, tdur: e.tts !== undefined && begin.tts !== undefined ? e.tts - begin.tts : undefined })
    }
  }
  return out
}

/** The tasks longer than `overMs` on the renderer's main thread, each with its self-time breakdown. */
export function longTaskBreakdown(trace: TraceFile, overMs: number): TaskBreakdown[] {
  const events = trace.traceEvents
  const thread = mainThread(events)
  if (!thread) return []
  const own = completeEvents(events.filter((e) => e.pid === thread.pid && e.tid === thread.tid)).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
  const tasks = own.filter((e) => taskNames.has(e.name) && (e.dur ?? 0) > overMs * 1000)
  // Nested RunTask events (a task inside a task) would be counted twice; keep the outermost.
  const outer = tasks.filter((t, i) => !tasks.some((u, j) => j !== i && u.ts <= t.ts && u.ts + (u.dur ?? 0) >= t.ts + (t.dur ?? 0) && (u.dur ?? 0) > (t.dur ?? 0)))
  return outer.map((task) => {
    const end = task.ts + (task.dur ?? 0)
    const inside = own.filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end && !taskNames.has(e.name))
    const self = new Map<string, number>()
    // Walk as a stack: an event's self time is its duration minus its direct children's.
    const stack: { name: string; end: number; child: number; dur: number }[] = []
    const close = (upTo: number): void => {
      while (stack.length > 0 && (stack.at(-1)?.end ?? 0) <= upTo) {
        const done = stack.pop() as { name: string; end: number; child: number; dur: number }
        self.set(done.name, (self.get(done.name) ?? 0) + (done.dur - done.child) / 1000)
      }
    }
    for (const e of inside) {
      close(e.ts)
      const parent = stack.at(-1)
      if (parent) parent.child += e.dur ?? 0
      const label = e.name === 'FunctionCall' && e.args?.data?.functionName ? `FunctionCall ${e.args.data.functionName}` : e.name
      stack.push({ name: label, end: e.ts + (e.dur ?? 0), child: 0, dur: e.dur ?? 0 })
    }
    close(Infinity)
    const covered = [...self.values()].reduce((s, v) => s + v, 0)
    self.set('(task, not inside a traced event)', (task.dur ?? 0) / 1000 - covered)
    const parts = [...self].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms)
    return { startMs: task.ts / 1000, durationMs: (task.dur ?? 0) / 1000, cpuMs: (task.tdur ?? 0) / 1000, parts }
  })
}

/** Enough for task boundaries with wall and CPU time: cheap to record. */
export const taskCategories = ['toplevel']
/** For the breakdown: what ran inside each task. */
export const detailCategories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'blink', 'cc', 'skia', 'gpu', 'disabled-by-default-devtools.timeline.frame']
