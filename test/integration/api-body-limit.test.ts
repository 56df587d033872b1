import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/main/api/event-bus'
import { startHttpTransport, type HttpTransport } from '../../src/main/api/io/http-transport'
import { Router } from '../../src/main/api/router'

// The real HTTP transport on loopback, called with fetch as a script would.
let transport: HttpTransport
let staticDir: string

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'meshdeck-static-'))
  const router = new Router()
  router.register('app.info', () => ({ name: 'Meshdeck' as const, version: '0.0.0', mode: 'web' as const, platform: 'linux', dataDir: staticDir }))
  transport = await startHttpTransport({ router, bus: new EventBus(), staticDir, port: 0 })
})
afterAll(async () => {
  await transport?.dispose()
  rmSync(staticDir, { recursive: true, force: true })
})

describe('the API over HTTP', () => {
  it('answers a body over its 1 MiB limit with a 413 and a JSON error the client can read', async () => {
    const response = await fetch(`http://127.0.0.1:${transport.port}/api/app.info`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${transport.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(3 * 1024 * 1024) }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'too_large', message: 'The request body is over 1048576 bytes.' } })
  })

  it('keeps serving on the same port after refusing a large body', async () => {
    const response = await fetch(`http://127.0.0.1:${transport.port}/api/nope.nothing`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${transport.token}` },
      body: '{}',
    })
    expect(response.status).toBe(404)
  })
})
