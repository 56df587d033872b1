import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { events, methods } from '@shared/contract'
import { createMeshdeck } from '../../src/main/app/meshdeck'

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-contract-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the API contract', () => {
  it('names every method domain.verb and documents it', () => {
    for (const [name, spec] of Object.entries(methods)) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/)
      expect(spec.summary.length).toBeGreaterThan(10)
    }
    for (const [name, spec] of Object.entries(events)) {
      expect(name).toMatch(/^[a-z][a-zA-Z]*\.[a-z][a-zA-Z]*$/)
      expect(spec.summary.length).toBeGreaterThan(10)
    }
  })

  it('is implemented end to end: every method has a service behind it', async () => {
    const kubeconfig = join(dir, 'config')
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
    const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir })
    try {
      expect(meshdeck.router.missingHandlers()).toEqual([])
    } finally {
      await meshdeck.dispose()
    }
  })

  it('is taken down with the domains that registered it: after dispose no method is answered', async () => {
    const kubeconfig = join(dir, 'config')
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
    const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, tracesPort: 0 })
    await meshdeck.dispose()
    expect(meshdeck.router.missingHandlers().sort()).toEqual(Object.keys(methods).sort())
    expect(await meshdeck.router.call('app.info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } })
  })
})
