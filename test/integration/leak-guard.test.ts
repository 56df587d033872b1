import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isAlive } from '../support/wait'

// The leak guard as every test file meets it: a real vitest run of two fixture files through the
// same setup file (test/leaks/setup.ts). The leaky one must fail, naming each planted leak and the
// line that made it; the tidy one, which releases the same kinds of things (some only after its
// hooks ran), must pass.

const root = resolve(import.meta.dirname, '../..')
const out = mkdtempSync(join(tmpdir(), 'meshdeck-leak-guard-'))
afterAll(() => rmSync(out, { recursive: true, force: true }))

interface FileResult {
  name: string
  status: string
  message: string
}

async function runFixtures(): Promise<{ code: number | null; files: FileResult[] }> {
  const report = join(out, 'report.json')
  const child = spawn(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/leaks/fixtures/vitest.config.mts', '--reporter=json', `--outputFile=${report}`],
    { cwd: root, stdio: 'ignore' },
  )
  const code = await new Promise<number | null>((done) => child.once('exit', done))
  const { testResults } = JSON.parse(readFileSync(report, 'utf8')) as { testResults: FileResult[] }
  return { code, files: testResults }
}

describe('the leak guard in a real vitest run', () => {
  it('fails the file that leaks, with one report per leak and the line that made it, and passes the tidy one', async () => {
    const { code, files } = await runFixtures()
    expect(code).toBe(1)
    const leaky = files.find((f) => f.name.endsWith('leaky.fixture.ts'))
    const tidy = files.find((f) => f.name.endsWith('tidy.fixture.ts'))
    expect(tidy).toMatchObject({ status: 'passed', message: '' })
    expect(leaky?.status).toBe('failed')
    const message = leaky?.message ?? ''
    expect(message).toMatch(/^This test file left 8 resources running\. Dispose, close, clear or kill each before the file ends/)
    const fixture = readFileSync(join(root, 'test/leaks/fixtures/leaky.fixture.ts'), 'utf8').split('\n')
    const at = (code: string): string => `created at test/leaks/fixtures/leaky.fixture.ts:${fixture.findIndex((l) => l.includes(code)) + 1}:`
    const reports = message.split('\n\n').slice(1)
    expect(reports).toHaveLength(8)
    expect(reports[0]).toMatch(/^1\. timer: setInterval\(plantedInterval, 60000 ms\) was never cleared\n/)
    expect(reports[0]).toContain(at('setInterval(function plantedInterval'))
    expect(reports[1]).toMatch(/^2\. timer: setTimeout\(plantedUnrefTimeout, 60000 ms\) \(unref’d\) was never cleared\n/)
    expect(reports[1]).toContain(at('setTimeout(function plantedUnrefTimeout'))
    expect(reports[2]).toMatch(/^3\. child process: pid \d+ is still running: .* planted-child\n/)
    expect(reports[2]).toContain(at('spawn(process.execPath'))
    expect(reports[3]).toMatch(/^4\. server: Server is still listening on 127\.0\.0\.1:\d+\n/)
    expect(reports[3]).toContain(at('server.listen(0'))
    expect(reports[4]).toMatch(/^5\. socket: Socket to 127\.0\.0\.1:\d+ is still open \(local port \d+, open\)\n/)
    expect(reports[4]).toContain(at('connect(address.port'))
    expect(reports[5]).toMatch(/^6\. file watcher: fs\.watch\(.+\) was never closed\n/)
    expect(reports[5]).toContain(at('watch(tmpdir())'))
    expect(reports[6]).toMatch(/^7\. disposable: DisposableStack was never disposed \(nor the 1 Disposable it owns\)\n/)
    expect(reports[6]).toContain(at('new DisposableStack()'))
    expect(reports[7]).toMatch(/^8\. disposable: a Disposable was never disposed\n/)
    expect(reports[7]).toContain(at('  trackDisposable({ dispose() {} })'))
    // The planted child ends with the worker that leaked it (it exits when its stdin closes).
    const pid = Number(/pid (\d+)/.exec(reports[2] ?? '')?.[1])
    await expect.poll(() => isAlive(pid), { timeout: 5_000 }).toBe(false)
  })
})
