import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

// `meshdeck demo` as a person runs it: the built CLI, a fresh MESHDECK_HOME, a free xDS port, then
// Ctrl+C. Workload processes inherit the environment, so the unique MESHDECK_HOME finds every
// process this run started, however it was spawned.
const root = join(__dirname, '..', '..')
const home = mkdtempSync(join(tmpdir(), 'meshdeck-demo-cli-'))

function processesOfThisRun(): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`MESHDECK_HOME=${home}`)) pids.push(Number(entry))
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids
}

afterAll(() => {
  for (const pid of processesOfThisRun()) process.kill(pid, 'SIGKILL')
  rmSync(home, { recursive: true, force: true })
})

describe('meshdeck demo', () => {
  it('runs the demo headless, prints status lines with live load, and Ctrl+C stops everything', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'demo', '--xds-port', '0', '--rps', '8'], {
      cwd: root,
      env: { ...process.env, MESHDECK_HOME: home, KUBECONFIG: join(home, 'none') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

    const started = Date.now()
    while (!/demo: 7\/7 running · load 8 rps target, [1-9]\d* ok/.test(output)) {
      if (Date.now() - started > 90_000 || child.exitCode !== null) throw new Error(`no running demo with load in 90 s:\n${output}`)
      await new Promise((r) => setTimeout(r, 250))
    }
    expect(output).toContain(`serving ${join(home, 'demo-mesh')}`)
    expect(processesOfThisRun().length).toBeGreaterThanOrEqual(8)

    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(output).toContain('stopping the demo mesh')
    expect(processesOfThisRun()).toEqual([])
  }, 120_000)
})
