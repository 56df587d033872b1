import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { callApi, startServe, type ServeProcess } from '../support/serve-process'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'

let serve: ServeProcess
let fixture: { path: string; cleanup: () => void }

beforeAll(async () => {
  fixture = writeTempKubeconfig()
  serve = await startServe(['--kubeconfig', fixture.path])
})
afterAll(async () => {
  await serve?.stop()
  fixture?.cleanup()
})

describe('meshdeck serve (web mode)', () => {
  it('prints one line with a loopback URL and a per-launch token', () => {
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/)
  })

  it('answers 401 to an API call without the token, or with a wrong one', async () => {
    const none = await fetch(`${serve.origin}/api/app.info`, { method: 'POST', body: '{}' })
    expect(none.status).toBe(401)
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    const wrong = await fetch(`${serve.origin}/api/app.info`, { method: 'POST', body: '{}', headers: { Authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
  })

  it('serves every contract method as POST /api/<method> with the token', async () => {
    const info = await callApi(serve, 'app.info')
    expect(info).toMatchObject({ status: 200, body: { ok: true, result: { name: 'Meshdeck', mode: 'web' } } })
    const contexts = await callApi(serve, 'clusters.listContexts')
    expect(contexts.body).toMatchObject({ ok: true, result: { selected: 'dev', contexts: [{ name: 'dev' }, { name: 'prod' }] } })
  })

  it('never sends kubeconfig credentials to the client', async () => {
    const contexts = await callApi(serve, 'clusters.listContexts')
    expect(JSON.stringify(contexts.body)).not.toContain('super-secret-token')
  })

  it('rejects bad input with a 400 naming the field, and bad JSON with a clear message', async () => {
    const bad = await callApi(serve, 'clusters.selectContext', { name: '' })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid_params' } })
    const notJson = await fetch(`${serve.origin}/api/app.info`, {
      method: 'POST',
      body: '{oops',
      headers: { Authorization: `Bearer ${serve.token}` },
    })
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ error: { message: 'The request body is not valid JSON.' } })
  })

  it('refuses a WebSocket without the token and delivers events to one with it', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events`, ['meshdeck.v1'])
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      ws.on('open', () => resolve(101))
    })
    expect(refused).toBe(401)

    const ws = new WebSocket(`ws://127.0.0.1:${serve.port}/api/events`, ['meshdeck.v1', `meshdeck-token.${serve.token}`])
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const received = new Promise<{ event: string; payload: { currentContext: string } }>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))),
    )
    await callApi(serve, 'clusters.selectContext', { name: 'prod' })
    expect(await received).toMatchObject({ event: 'app.status', payload: { currentContext: 'prod' } })
    ws.close()
  })

  it('answers only to loopback host names (DNS rebinding guard)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: serve.port, path: '/', headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
    expect(status).toBe(421)
  })

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const page = await fetch(`${serve.origin}/`)
    expect(page.status).toBe(200)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("default-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
    expect(await page.text()).toContain('<div id="app">')
    const escape = await fetch(`${serve.origin}/..%2f..%2fpackage.json`)
    expect(escape.status).toBe(404)
  })
})

describe('the renderer bundle', () => {
  it('contains no Node built-ins', () => {
    const assets = join(__dirname, '..', '..', 'out', 'renderer', 'assets')
    const builtins = /\brequire\(["'](?:node:)?(?:fs|path|child_process|os|net|crypto|http|https|electron)["']\)|from\s*["']node:|\bprocess\.binding\b/
    const files = readdirSync(assets).filter((f) => f.endsWith('.js'))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) expect(readFileSync(join(assets, file), 'utf8')).not.toMatch(builtins)
  })
})
