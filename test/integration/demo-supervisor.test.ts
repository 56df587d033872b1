import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DemoWorkload } from '@shared/contract'
import { startDemoMesh, type DemoMesh } from '../../src/main/demo/io'
import { SupervisedProcess } from '../../src/main/demo/io/supervised-process'
import { isAlive, waitFor } from '../support/wait'

// Real child processes throughout. The demo runs its plain-server fallback here because this file
// is about process supervision, not xDS: no control plane is started (demo-mesh.test.ts has one).
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-supervisor-'))
const fastRestart = { initialDelayMs: 200, maxDelayMs: 1_000, stableAfterMs: 60_000 }


const until = <T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000): Promise<T> => waitFor(what, probe, timeoutMs)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the demo supervisor', () => {
  let demo: DemoMesh
  const changes: DemoWorkload[] = []

  afterAll(async () => {
    await demo?.dispose()
  })

  it('starts every workload as a child process and reports them running', async () => {
    demo = await startDemoMesh({
      controlPlaneAddress: '127.0.0.1:9', // nothing listens: clients simply find no routes here
      meshDir: join(dir, 'mesh'),
      serverMode: 'plain',
      restartPolicy: fastRestart,
      onWorkloadChange: (w) => changes.push(w),
    })
    // Generous: seven Node processes load grpc-js on a shared two-core machine.
    const status = await until(
      'all running',
      () => {
        const s = demo.status()
        return s.workloads.every((w) => w.state === 'running') && s
      },
      150_000,
    )
    expect(status.workloads.map((w) => w.name).sort()).toEqual(
      ['details-v1', 'frontend-v1', 'loadgen', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'],
    )
    for (const w of status.workloads) expect(isAlive(w.pid as number)).toBe(true)
    expect(changes.some((c) => c.name === 'reviews-v2' && c.state === 'running')).toBe(true)
    expect(demo.logs('reviews-v2').map((l) => l.text)).toContain(`serving reviews v2 on 127.0.0.1:${demo.workload('reviews-v2').port}`)
  }, 180_000)

  it('seeds the mesh folder and writes a WorkloadEntry with each port actually bound', () => {
    const files = readdirSync(demo.meshDir).sort()
    expect(files).toEqual(['demo-peer-authentication.yaml', 'demo-reviews-routing.yaml', 'demo-services.yaml', 'demo-workload-entries.yaml'])
    const entries = readFileSync(join(demo.meshDir, 'demo-workload-entries.yaml'), 'utf8')
    for (const w of demo.status().workloads.filter((x) => x.port !== null)) {
      expect(entries).toContain(`name: ${w.name}`)
      expect(entries).toContain(`grpc: ${w.port}`)
    }
    const bootstrap = JSON.parse(readFileSync(join(demo.runDir, 'reviews-v2.bootstrap.json'), 'utf8'))
    expect(bootstrap.xds_servers[0].server_uri).toBe('127.0.0.1:9')
    // Each process got its own bootstrap, and RBAC on (AuthorizationPolicy needs it in grpc-js-xds).
    const environ = readFileSync(`/proc/${demo.workload('reviews-v2').pid}/environ`, 'utf8').split('\0')
    expect(environ).toContain(`GRPC_XDS_BOOTSTRAP=${join(demo.runDir, 'reviews-v2.bootstrap.json')}`)
    expect(environ).toContain('GRPC_XDS_EXPERIMENTAL_RBAC=true')
    expect(environ).toContain('ELECTRON_RUN_AS_NODE=1')
  })

  it('restarts a crashed workload with backoff, on the same port, and logs why', async () => {
    const before = demo.workload('reviews-v2')
    process.kill(before.pid as number, 'SIGKILL')
    await until('backoff', () => changes.some((c) => c.name === 'reviews-v2' && c.state === 'backoff'))
    const after = await until('restarted', () => {
      const w = demo.workload('reviews-v2')
      return w.state === 'running' && w.restarts === 1 && w
    })
    expect(after.pid).not.toBe(before.pid)
    expect(after.port).toBe(before.port)
    const log = demo.logs('reviews-v2').map((l) => `${l.stream}: ${l.text}`)
    expect(log).toContain(`supervisor: pid ${before.pid} exited with signal SIGKILL`)
    expect(log.some((l) => l.startsWith('supervisor: restarting in 200 ms'))).toBe(true)
  })

  it('keeps a fault across a restart and refuses unknown workloads with a hint', async () => {
    expect(demo.setFault('ratings-v1', { errorRate: 0.5, latencyMs: 10 }).fault).toEqual({ errorRate: 0.5, errorCode: 'UNAVAILABLE', latencyMs: 10 })
    await until('knob logged', () => demo.logs('ratings-v1').some((l) => l.text.includes('error rate 0.5')))
    process.kill(demo.workload('ratings-v1').pid as number, 'SIGKILL')
    await until('ratings restarted', () => demo.workload('ratings-v1').restarts === 1 && demo.workload('ratings-v1').state === 'running')
    expect(demo.logs('ratings-v1').some((l) => l.stream === 'supervisor' && l.text.includes('--error-rate 0.5'))).toBe(true)
    expect(() => demo.setFault('reviews-v9', { errorRate: 1 })).toThrow(/no demo workload named reviews-v9/)
  })

  it('stops every child on dispose: no PID is left', async () => {
    const pids = demo.status().workloads.map((w) => w.pid as number)
    expect(pids.every(isAlive)).toBe(true)
    await demo.dispose()
    expect(pids.filter(isAlive)).toEqual([])
    expect(demo.status().workloads.every((w) => w.state === 'stopped')).toBe(true)
    // Their endpoints leave the mesh with them; the seeded config (and any edits to it) stays.
    expect(readdirSync(demo.meshDir).sort()).toEqual(['demo-peer-authentication.yaml', 'demo-reviews-routing.yaml', 'demo-services.yaml'])
  })
})

describe('a supervised process', () => {
  it('is SIGKILLed when it ignores SIGTERM past the grace period', async () => {
    const proc = new SupervisedProcess({
      name: 'stubborn',
      launch: () => ({
        command: process.execPath,
        args: ['-e', "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)"],
        env: process.env,
      }),
      stopGraceMs: 500,
      runningOnSpawn: true,
    })
    proc.start()
    const pid = proc.pid as number
    await until('up', () => proc.logs.tail().some((l) => l.text === 'up'))
    const started = Date.now()
    await proc.dispose()
    expect(Date.now() - started).toBeGreaterThanOrEqual(450)
    expect(isAlive(pid)).toBe(false)
    expect(proc.logs.tail().map((l) => l.text)).toContain(`pid ${pid} ignored SIGTERM for 500 ms; sending SIGKILL`)
  })

  it('backs off and says why when its program cannot be spawned at all', async () => {
    const proc = new SupervisedProcess({
      name: 'missing',
      launch: () => ({ command: join(dir, 'no-such-program'), args: [], env: process.env }),
      restartPolicy: { initialDelayMs: 60_000, maxDelayMs: 60_000, stableAfterMs: 60_000 },
    })
    proc.start()
    await until('backoff', () => proc.state === 'backoff')
    expect(proc.message).toMatch(/spawn failed/)
    expect(proc.logs.tail().some((l) => l.text.startsWith('could not start: spawn') && l.text.includes('ENOENT'))).toBe(true)
    await proc.dispose()
    expect(proc.state).toBe('stopped')
  })

  it('is not restarted when it exits with the bad-command-line code', async () => {
    const proc = new SupervisedProcess({
      name: 'misconfigured',
      launch: () => ({ command: process.execPath, args: ['-e', 'process.exit(2)'], env: process.env }),
      fatalExitCodes: [2],
      restartPolicy: fastRestart,
    })
    proc.start()
    await until('failed', () => proc.state === 'failed')
    await new Promise((r) => setTimeout(r, 500))
    expect(proc.restarts).toBe(0)
    expect(proc.message).toMatch(/not restarting/)
    await proc.dispose()
  })

  it('restarts at once when asked (demo.restart): a new pid, one more restart, no backoff', async () => {
    const proc = new SupervisedProcess({
      name: 'asked',
      launch: () => ({ command: process.execPath, args: ['-e', "console.log('up'); setInterval(() => {}, 1000)"], env: process.env }),
      // A crash would wait a minute: a restart someone asked for must not.
      restartPolicy: { initialDelayMs: 60_000, maxDelayMs: 60_000, stableAfterMs: 60_000 },
      runningOnSpawn: true,
    })
    proc.start()
    const first = proc.pid as number
    await until('up', () => proc.logs.tail().some((l) => l.text === 'up'))
    await proc.restart()
    const second = await until('a new process', () => proc.pid !== first && proc.pid)
    expect(isAlive(first)).toBe(false)
    expect(isAlive(second as number)).toBe(true)
    expect(proc.restarts).toBe(1)
    expect(proc.state).toBe('running')
    expect(proc.logs.tail().map((l) => l.text)).toContain('restart requested')
    await proc.dispose()
    expect(isAlive(second as number)).toBe(false)
  })
})
