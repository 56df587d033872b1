import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { EventPayload, LogOptions } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { LogBuffer } from '../lib/log-buffer'
import { useSubscriptions } from '../lib/subscriptions'

/**
 * One log view: starts a stream with the chosen options, keeps a bounded buffer, and can pause
 * (lines keep arriving into a side buffer and appear on resume, so nothing is lost while reading).
 */
export function useLogStream(): {
  lines: ShallowRef<string[]>
  dropped: Ref<number>
  running: Ref<boolean>
  paused: Ref<boolean>
  error: Ref<PresentedError | null>
  start: (opts: LogOptions) => Promise<void>
  stop: () => void
  togglePause: () => void
} {
  const buffer = new LogBuffer()
  const held: string[] = []
  const lines = shallowRef<string[]>([])
  const dropped = ref(0)
  const running = ref(false)
  const paused = ref(false)
  const error = ref<PresentedError | null>(null)
  let streamId: string | null = null

  const publish = (): void => {
    lines.value = [...buffer.lines]
    dropped.value = buffer.dropped
  }
  const onLines = (e: EventPayload<'logs.lines'>): void => {
    if (e.streamId !== streamId) return
    if (paused.value) held.push(...e.lines)
    else {
      buffer.push(e.lines)
      publish()
    }
  }
  const onEnded = (e: EventPayload<'logs.ended'>): void => {
    if (e.streamId !== streamId) return
    running.value = false
    if (e.error) error.value = presentError(e.error)
  }
  // A stream's first events can outrun the answer that names it (web mode: the event socket
  // against the HTTP reply; a missing log ends at once): while a start is on its way they wait here.
  let early: (() => void)[] | null = null
  const subs = useSubscriptions()
  subs.on('logs.lines', (e) => (early ? early.push(() => onLines(e)) : onLines(e)))
  subs.on('logs.ended', (e) => (early ? early.push(() => onEnded(e)) : onEnded(e)))

  let starts = 0
  function stop(): void {
    if (streamId) void call('logs.stop', { streamId }).catch(() => undefined)
    streamId = null
    running.value = false
    // A start still on its way is stopped too, when its answer comes.
    starts++
    early = null
  }

  async function start(opts: LogOptions): Promise<void> {
    stop()
    buffer.clear()
    held.length = 0
    paused.value = false
    error.value = null
    publish()
    const attempt = ++starts
    early = []
    try {
      running.value = true
      const id = (await call('logs.start', opts)).streamId
      if (attempt !== starts) {
        // A newer start replaced this one while it was on its way.
        void call('logs.stop', { streamId: id }).catch(() => undefined)
        return
      }
      streamId = id
    } catch (err) {
      if (attempt !== starts) return
      running.value = false
      error.value = presentError(err)
    }
    const queued = early ?? []
    early = null
    queued.forEach((replay) => replay())
  }

  function togglePause(): void {
    paused.value = !paused.value
    if (!paused.value && held.length > 0) {
      buffer.push(held.splice(0))
      publish()
    }
  }

  // The stream stops with the view (the event listeners above go with it).
  subs.add(stop)
  return { lines, dropped, running, paused, error, start, stop, togglePause }
}
