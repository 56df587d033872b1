import { afterEach, describe, expect, it, vi } from 'vitest'
import { effectScope } from 'vue'
import type { EventName } from '@shared/contract'
import { setEventSource, type EventSource } from '../../src/renderer/src/lib/subscriptions'

// The API client needs a window; here main is a stand-in whose answers the test scripts.
const answers = vi.hoisted(() => ({ start: async (): Promise<{ streamId: string }> => ({ streamId: 's1' }), stopped: [] as string[] }))
vi.mock('../../src/renderer/src/api/client', () => ({
  call: async (method: string, params: { streamId?: string }) => {
    if (method === 'logs.start') return answers.start()
    if (method === 'logs.stop') answers.stopped.push(params.streamId ?? '')
    return { ok: true }
  },
}))
// Imported by a computed path: the store reaches the web transport, whose DOM types this project's
// node typecheck does not have; the test needs only the part below.
interface LogStream {
  lines: { value: string[] }
  running: { value: boolean }
  error: { value: { code: string; title: string; hint: string | null } | null }
  start(options: object): Promise<void>
  stop(): void
}
const storePath = '../../src/renderer/src/stores/resources-logs'
const { useLogStream } = (await import(storePath)) as { useLogStream: () => LogStream }

const handlers = new Map<string, Set<(payload: unknown) => void>>()
const events: EventSource = (event, handler) => {
  const set = handlers.get(event) ?? new Set()
  handlers.set(event, set)
  set.add(handler as (payload: unknown) => void)
  return () => void set.delete(handler as (payload: unknown) => void)
}
const emit = (event: EventName, payload: unknown): void => handlers.get(event)?.forEach((h) => h(payload))
setEventSource(events)

const options = { context: 'dev', namespace: 'shop', pod: 'checkout-1', container: 'app', follow: true, previous: true, timestamps: false, tailLines: 500 }

describe('a log stream in the pod drawer', () => {
  afterEach(() => {
    answers.stopped.length = 0
  })

  it('keeps the lines and the end that arrive before the answer naming the stream (web mode: socket before HTTP)', async () => {
    answers.start = async () => {
      // The container has no previous instance: main ends the stream at once, and the event wins the race.
      emit('logs.lines', { streamId: 's1', lines: ['last words'] })
      emit('logs.ended', { streamId: 's1', error: { code: 'logs_unavailable', message: 'No previous log for container "app".', hint: 'The container has not restarted, so there is no previous instance; turn off "previous".' } })
      return { streamId: 's1' }
    }
    const scope = effectScope()
    const stream = scope.run(() => useLogStream())!
    await stream.start(options)
    expect(stream.lines.value).toEqual(['last words'])
    expect(stream.running.value).toBe(false)
    expect(stream.error.value).toMatchObject({ code: 'logs_unavailable', title: 'No log to show' })
    expect(stream.error.value?.hint).toContain('has not restarted')
    scope.stop()
  })

  it('ignores another stream’s events, and stops a stream whose start was superseded or stopped meanwhile', async () => {
    let release: (id: string) => void = () => undefined
    answers.start = () => new Promise((resolve) => (release = (id) => resolve({ streamId: id })))
    const scope = effectScope()
    const stream = scope.run(() => useLogStream())!
    const first = stream.start(options)
    const releaseFirst = release
    const second = stream.start({ ...options, previous: false })
    emit('logs.lines', { streamId: 'other', lines: ['not ours'] })
    release('s2')
    await second
    releaseFirst('s1')
    await first
    expect(answers.stopped).toEqual(['s1'])
    emit('logs.lines', { streamId: 's2', lines: ['ours'] })
    expect(stream.lines.value).toEqual(['ours'])

    const third = stream.start(options)
    stream.stop()
    release('s3')
    await third
    expect(answers.stopped).toContain('s3')
    expect(stream.running.value).toBe(false)
    scope.stop()
    expect([...handlers.values()].every((set) => set.size === 0)).toBe(true)
  })
})
