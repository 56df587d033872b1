import { describe, expect, it } from 'vitest'
import { MeshdeckError } from '@shared/contract'
import { Router } from '../../src/main/api/router'

describe('Router', () => {
  it('rejects parameters that break the contract and names the field, without calling the service', async () => {
    const router = new Router()
    let called = false
    router.register('clusters.selectContext', ({ name }) => {
      called = true
      return { selected: name }
    })
    const outcome = await router.call('clusters.selectContext', { name: 42 })
    expect(outcome.ok).toBe(false)
    if (outcome.ok) return
    expect(outcome.error.code).toBe('invalid_params')
    expect(outcome.error.message).toContain('name')
    expect(outcome.error.hint).toMatch(/nothing was changed/i)
    expect(called).toBe(false)
  })

  it('rejects unknown fields (schemas are strict)', async () => {
    const router = new Router()
    router.register('app.status', () => ({ currentContext: null, controlPlane: { state: 'stopped', address: null, connectedClients: 0 } }))
    const outcome = await router.call('app.status', { sneaky: true })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_params' } })
  })

  it('answers an unknown method with a hint instead of throwing', async () => {
    const outcome = await new Router().call('cluster.deleteEverything', {})
    expect(outcome).toMatchObject({ ok: false, error: { code: 'unknown_method' } })
    if (!outcome.ok) expect(outcome.error.hint).toContain('docs/api.md')
  })

  it('turns a service error into { code, message, hint } and never a stack trace', async () => {
    const router = new Router()
    router.register('clusters.selectContext', () => {
      throw new MeshdeckError('unknown_context', 'There is no context named "x".', 'Known contexts: a, b.')
    })
    const outcome = await router.call('clusters.selectContext', { name: 'x' })
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'unknown_context', message: 'There is no context named "x".', hint: 'Known contexts: a, b.' },
    })
  })

  it('catches a service whose result drifts from the contract', async () => {
    const router = new Router()
    router.register('clusters.selectContext', () => ({ selected: 7 }) as never)
    const outcome = await router.call('clusters.selectContext', { name: 'x' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_result' } })
  })

  it('refuses to register one method twice', () => {
    const router = new Router()
    router.register('app.info', () => ({ name: 'Meshdeck', version: '1', mode: 'web', platform: 'x', dataDir: '/' }))
    expect(() =>
      router.register('app.info', () => ({ name: 'Meshdeck', version: '1', mode: 'web', platform: 'x', dataDir: '/' })),
    ).toThrow(/twice/)
  })
})
