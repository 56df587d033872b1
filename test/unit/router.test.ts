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

  it('unregisters a method when its registration is disposed, so a domain can be taken down and registered again', async () => {
    const router = new Router()
    const status = { currentContext: null, controlPlane: { state: 'stopped' as const, address: null, connectedClients: 0 } }
    const registration = router.register('app.status', () => status)
    expect(await router.call('app.status', {})).toEqual({ ok: true, result: status })
    await registration.dispose()
    expect(await router.call('app.status', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(router.missingHandlers()).toContain('app.status')
    router.register('app.status', () => ({ ...status, currentContext: 'dev' }))
    expect(await router.call('app.status', {})).toMatchObject({ ok: true, result: { currentContext: 'dev' } })
    // A stale registration disposed late does not remove its successor.
    await registration.dispose()
    expect(await router.call('app.status', {})).toMatchObject({ ok: true })
  })

  it("registers a domain's methods together and takes them down together", async () => {
    const router = new Router()
    const domain = router.registerAll({
      'clusters.listContexts': () => ({ files: [], contexts: [], problems: [], selected: null }),
      'clusters.selectContext': ({ name }) => ({ selected: name }),
    })
    expect(await router.call('clusters.selectContext', { name: 'a' })).toEqual({ ok: true, result: { selected: 'a' } })
    await domain.dispose()
    expect(await router.call('clusters.selectContext', { name: 'a' })).toMatchObject({ ok: false, error: { code: 'unavailable' } })
    expect(await router.call('clusters.listContexts', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } })
  })

  it('refuses a method registered twice and leaves the batch that tried unregistered', async () => {
    const router = new Router()
    router.register('clusters.selectContext', ({ name }) => ({ selected: name }))
    expect(() => router.registerAll({ 'app.info': () => ({ name: 'Meshdeck', version: '0', mode: 'web', platform: 'p', dataDir: '/d' }), 'clusters.selectContext': ({ name }) => ({ selected: name }) })).toThrow(
      'method clusters.selectContext is registered twice',
    )
    expect(await router.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } })
  })
})
