import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CancelledError, MeshdeckError, errorCodeTables, isCancelled, isErrorCode, methods, transportErrorCodes, type MeshdeckErrorCode } from '@shared/contract'
import { forgetUndeclaredErrors, undeclaredErrors } from '../../src/main/api/declared-errors'
import { Router } from '../../src/main/api/router'
import { sleepUnlessAborted } from '../../src/main/lib/io/abortable-sleep'

/** Codes no method answers with, and how a person meets them instead. */
const reachedOtherwise: Partial<Record<MeshdeckErrorCode, string>> = {
  data_dir_invalid: 'Meshdeck refuses to start',
  data_dir_unsafe: 'Meshdeck refuses to start',
  no_access: "a feed's state (resources.feed, resources.subscribe's snapshot)",
  logs_unavailable: 'the logs.ended event',
  invalid_certs_dir: '`meshdeck bootstrap --certs-dir`: only the CLI may choose the folder',
  cancelled: 'work its owner stopped (a rollout step); callers that cancel let it go quietly',
  inotify_limits: "a failed create's localClusters.operation event (kind's ERROR output)",
  component_failed: "a Docker-free cluster's create or start operation (localClusters.operation)",
  sandbox_step_failed: 'the sandbox operation’s failed step (localClusters.operation)',
  prometheus_no_data: "a rollout paused on it (rollout.changed: the paused entry's detail names the query); prometheus.query answers an empty result as data",
}

const allCodes = Object.values(errorCodeTables).flatMap((table) => Object.keys(table))

afterEach(() => vi.restoreAllMocks())

describe('error codes in the contract', () => {
  it('are declared once, each in one domain, as snake_case with a title', () => {
    expect(new Set(allCodes).size).toBe(allCodes.length)
    for (const [domain, table] of Object.entries(errorCodeTables)) {
      for (const [code, title] of Object.entries(table)) {
        expect(code, `${domain}.${code}`).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/)
        expect(title.length, `${domain}.${code} has a title`).toBeGreaterThan(3)
      }
    }
  })

  it("lists only declared codes in each method's errors, and not the transport's own", () => {
    for (const [name, spec] of Object.entries(methods)) {
      for (const code of spec.errors) {
        expect(isErrorCode(code), `${name}: ${code}`).toBe(true)
        expect(Object.keys(transportErrorCodes), `${name} lists transport code ${code}`).not.toContain(code)
      }
    }
  })

  it('gives every domain code a method that answers with it, or says how a person meets it instead', () => {
    const answered = new Set(Object.values(methods).flatMap((spec) => spec.errors))
    const transport = new Set(Object.keys(transportErrorCodes))
    const orphans = allCodes.filter((code) => !transport.has(code) && !answered.has(code as MeshdeckErrorCode) && !(code in reachedOtherwise))
    expect(orphans).toEqual([])
  })

  it('documents every code in docs/api.md, and every method says its errors', () => {
    const docs = readFileSync(join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8')
    for (const code of allCodes) expect(docs, code).toContain(`| \`${code}\` |`)
    for (const name of Object.keys(methods)) expect(docs).toMatch(new RegExp(`### \`${name.replace('.', '\\.')}\`\\n\\n[^\\n]+\\n\\nErrors: `))
  })

  it('keeps the code tables free of imports, so the renderer reads titles without the schemas', () => {
    const source = readFileSync(join(__dirname, '..', '..', 'src', 'shared', 'contract', 'error-codes.ts'), 'utf8')
    expect(source).not.toMatch(/^\s*import\s/m)
  })

  it('refuses a free string as a code at compile time', () => {
    // @ts-expect-error 'made_up' is no declared code: `npm run typecheck` fails if this line compiles.
    const error = new MeshdeckError('made_up', 'x')
    expect(error.code).toBe('made_up')
  })
})

describe('the router and error codes', () => {
  it('answers an unknown thrown error as internal, with its message and no stack', async () => {
    const router = new Router()
    router.register('traces.get', () => {
      throw new TypeError('boom at the bottom')
    })
    router.register('topology.series', () => {
      throw 'a bare string' as unknown as Error
    })
    const first = await router.call('traces.get', { traceId: 'abc'.padEnd(32, '0') })
    expect(first).toEqual({ ok: false, error: { code: 'internal', message: 'boom at the bottom', hint: 'Unexpected failure; the Meshdeck log has details.' } })
    const second = await router.call('topology.series', { id: 'x' })
    expect(second).toMatchObject({ ok: false, error: { code: 'internal', message: 'a bare string' } })
    expect(JSON.stringify([first, second])).not.toMatch(/\bat .*\.ts:\d+/)
  })

  it('passes an undeclared code through unchanged, but says so once and records it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const router = new Router()
    // topology.get declares no codes of its own.
    router.register('topology.get', () => {
      throw new MeshdeckError('rollout_running', 'not a topology thing', 'hint')
    })
    for (let i = 0; i < 2; i++) {
      expect(await router.call('topology.get', {})).toEqual({ ok: false, error: { code: 'rollout_running', message: 'not a topology thing', hint: 'hint' } })
    }
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]?.[0])).toContain('topology.get answered with error code "rollout_running"')
    expect(undeclaredErrors()).toEqual([{ method: 'topology.get', code: 'rollout_running' }])
    // This test provoked it on purpose; the suite-wide check (test/support/declared-errors.ts) must not fail the file.
    forgetUndeclaredErrors()
  })

  it('does not note declared or transport codes', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const router = new Router()
    router.register('traces.get', () => {
      throw new MeshdeckError('not_found', 'No trace abc is kept.')
    })
    router.register('topology.get', () => {
      throw new MeshdeckError('invalid_params', 'bad')
    })
    await router.call('traces.get', { traceId: 'abc' })
    await router.call('topology.get', {})
    expect(warn).not.toHaveBeenCalled()
  })
})

describe('cancellation', () => {
  it('is its own error type with code cancelled, which an aborted wait rejects with', async () => {
    const abort = new AbortController()
    const wait = sleepUnlessAborted(60_000, abort.signal)
    abort.abort()
    const err = await wait.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CancelledError)
    expect(err).toBeInstanceOf(MeshdeckError)
    expect(isCancelled(err)).toBe(true)
    expect((err as CancelledError).toApiError()).toMatchObject({ code: 'cancelled', message: 'The wait was cancelled.' })
    expect(isCancelled(new MeshdeckError('not_found', 'x'))).toBe(false)
    await expect(sleepUnlessAborted(1, abort.signal)).rejects.toBeInstanceOf(CancelledError)
  })
})
