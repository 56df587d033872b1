import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import type { EventName } from '@shared/contract'
import { createSubscriptions, useSubscriptions, type EventSource } from '../../src/renderer/src/lib/subscriptions'
import type { VisibilitySource } from '../../src/renderer/src/lib/visibility'

/** A page whose visibility the test flips, as the browser does on a hidden tab or minimised window. */
function fakeVisibility(): VisibilitySource & { set(visible: boolean): void; listeners: number } {
  let visible = true
  const listeners = new Set<() => void>()
  return {
    visible: () => visible,
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next) {
      visible = next
      for (const l of [...listeners]) l()
    },
    get listeners() {
      return listeners.size
    },
  }
}

/** Main's events, with a count of live handlers. */
function fakeEvents(): { source: EventSource; emit(event: EventName, payload: unknown): void; handlers(): number } {
  const handlers = new Map<string, Set<(payload: unknown) => void>>()
  const source: EventSource = (event, handler) => {
    const set = handlers.get(event) ?? new Set()
    handlers.set(event, set)
    set.add(handler as (payload: unknown) => void)
    return () => void set.delete(handler as (payload: unknown) => void)
  }
  return {
    source,
    emit: (event, payload) => handlers.get(event)?.forEach((h) => h(payload)),
    handlers: () => [...handlers.values()].reduce((n, s) => n + s.size, 0),
  }
}

describe('useSubscriptions', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('polls only while the page is visible, catches up once when shown again, and stops for good on unmount', async () => {
    const visibility = fakeVisibility()
    let calls = 0
    const scope = effectScope()
    scope.run(() => useSubscriptions({ visibility, events: fakeEvents().source }).poll(() => calls++, 1_000))
    expect(calls).toBe(1) // at once
    await vi.advanceTimersByTimeAsync(3_000)
    expect(calls).toBe(4)

    visibility.set(false)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls).toBe(4) // hidden: no calls at all

    visibility.set(true)
    expect(calls).toBe(5) // shown: one catch-up run at once
    await vi.advanceTimersByTimeAsync(2_000)
    expect(calls).toBe(7)

    scope.stop() // the page unmounts
    await vi.advanceTimersByTimeAsync(10_000)
    visibility.set(false)
    visibility.set(true)
    expect(calls).toBe(7)
    expect(vi.getTimerCount()).toBe(0)
    expect(visibility.listeners).toBe(0)
  })

  it('skips a tick while the previous run is still going, and survives a task that fails', async () => {
    let started = 0
    let finish: () => void = () => undefined
    const subs = createSubscriptions({ visibility: fakeVisibility(), events: fakeEvents().source })
    subs.poll(() => {
      started++
      if (started === 1) return new Promise<void>((resolve) => (finish = resolve))
      throw new Error('the API is down')
    }, 1_000)
    await vi.advanceTimersByTimeAsync(3_000)
    expect(started).toBe(1) // the slow first run blocks the ticks meanwhile
    finish()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(started).toBe(3) // failing runs neither throw nor stop the poll
    subs.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('releases event handlers, one-shot timers, nested sets and added disposables with the scope', async () => {
    const events = fakeEvents()
    const seen: unknown[] = []
    let fired = 0
    const released: string[] = []
    const scope = effectScope()
    scope.run(() => {
      const subs = useSubscriptions({ visibility: fakeVisibility(), events: events.source })
      subs.on('controlPlane.changed', (p) => seen.push(p))
      subs.later(() => fired++, 5_000)
      subs.add(() => released.push('function'))
      subs.add({ dispose: () => released.push('disposable') })
      subs.child().poll(() => undefined, 1_000)
    })
    events.emit('controlPlane.changed', { servedVersion: 1, streams: 0, problems: 0 })
    expect(seen).toHaveLength(1)
    expect(events.handlers()).toBe(1)

    scope.stop()
    events.emit('controlPlane.changed', { servedVersion: 2, streams: 0, problems: 0 })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(seen).toHaveLength(1)
    expect(fired).toBe(0)
    expect(released).toEqual(['function', 'disposable'])
    expect(events.handlers()).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('lets a nested set and a debounce go early, without touching the rest', async () => {
    let polled = 0
    let fired = 0
    const subs = createSubscriptions({ visibility: fakeVisibility(), events: fakeEvents().source })
    subs.poll(() => undefined, 1_000, { immediate: false })
    const child = subs.child()
    child.poll(() => polled++, 1_000, { immediate: false })
    const cancel = subs.later(() => fired++, 500)
    cancel()
    child.dispose()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(polled).toBe(0)
    expect(fired).toBe(0)
    expect(vi.getTimerCount()).toBe(1) // the parent's own poll
    subs.dispose()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('refuses to run outside a component or effect scope, where nothing would release it', () => {
    expect(() => useSubscriptions({ visibility: fakeVisibility(), events: fakeEvents().source })).toThrow(/component setup or an effect scope/)
  })
})
