import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { status } from '@grpc/grpc-js'
import { afterAll, describe, expect, it } from 'vitest'
import { freeLoopbackPort } from '../../src/main/demo/io/ports'
import type { ChildMessage, ParentMessage } from '../../src/main/demo/ipc'
import { findDemoProto, loadDemoApi, type ProductPage, type ProductRequest, type ReviewsReply } from '../../src/main/demo/io/workload/api'
import { connectUpstream } from '../../src/main/demo/io/workload/upstream'

// The workload program for real, in child processes, on loopback. These run the plain-server
// fallback with direct targets so the application itself (identity, fault knobs, load) is checked
// without a control plane; demo-mesh.test.ts covers the xDS path.
const root = join(__dirname, '..', '..')
const entry = join(root, 'src/main/demo/io/workload/main.ts')
const children: ChildProcess[] = []
const api = loadDemoApi(findDemoProto())

interface Running {
  child: ChildProcess
  port: number
  messages: ChildMessage[]
  send(message: ParentMessage): void
  next(predicate: (m: ChildMessage) => boolean, timeoutMs?: number): Promise<ChildMessage>
}

async function run(args: string[], serve = true): Promise<Running> {
  const port = await freeLoopbackPort()
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args, ...(serve ? ['--server', 'plain', '--port', String(port)] : [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  children.push(child)
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const messages: ChildMessage[] = []
  child.on('message', (m) => messages.push(m as ChildMessage))
  const next = (predicate: (m: ChildMessage) => boolean, timeoutMs = 90_000): Promise<ChildMessage> =>
    new Promise((resolve, reject) => {
      const started = Date.now()
      const poll = setInterval(() => {
        const found = messages.find(predicate)
        if (found) {
          clearInterval(poll)
          resolve(found)
        } else if (Date.now() - started > timeoutMs) {
          clearInterval(poll)
          reject(new Error(`no matching message from ${args.join(' ')}; output:\n${output}`))
        }
      }, 50)
    })
  const running: Running = { child, port, messages, send: (m) => child.send(m), next }
  if (serve) await next((m) => m.type === 'serving')
  return running
}

afterAll(async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGTERM')
        }),
    ),
  )
})

describe('a demo workload', () => {
  let ratings: Running
  let reviewsV1: Running
  let reviewsV3: Running
  let details: Running
  let frontend: Running

  it('serves reviews that name who answered, with ratings only from v2/v3', async () => {
    ratings = await run(['--workload', 'ratings-v1', '--role', 'ratings'])
    ;[reviewsV1, reviewsV3, details] = await Promise.all([
      run(['--workload', 'reviews-v1', '--role', 'reviews', '--version', 'v1']),
      run(['--workload', 'reviews-v3', '--role', 'reviews', '--version', 'v3', '--upstream', `ratings=127.0.0.1:${ratings.port}`]),
      run(['--workload', 'details-v1', '--role', 'details']),
    ])
    const v1 = connectUpstream<ProductRequest, ReviewsReply>(api, 'reviews', `127.0.0.1:${reviewsV1.port}`)
    const v3 = connectUpstream<ProductRequest, ReviewsReply>(api, 'reviews', `127.0.0.1:${reviewsV3.port}`)
    try {
      const one = await v1.call({ productId: 7 }, 5_000)
      expect(one.served).toEqual({ workload: 'reviews-v1', service: 'reviews', version: 'v1' })
      expect(one.reviews.map((r) => r.stars)).toEqual([0, 0])
      expect(one.ratingsServed).toBeNull()
      const three = await v3.call({ productId: 7 }, 5_000)
      expect(three.served.workload).toBe('reviews-v3')
      expect(three.ratingsServed?.workload).toBe('ratings-v1')
      expect(three.reviews.map((r) => [r.stars, r.starColor])).toEqual([
        [5, 'red'],
        [4, 'red'],
      ])
    } finally {
      v1.close()
      v3.close()
    }
  }, 150_000)

  it('fails and slows down as its fault knobs say, at runtime, and recovers', async () => {
    frontend = await run([
      '--workload', 'frontend-v1', '--role', 'frontend',
      '--upstream', `details=127.0.0.1:${details.port}`,
      '--upstream', `reviews=127.0.0.1:${reviewsV3.port}`,
    ])
    const page = connectUpstream<ProductRequest, ProductPage>(api, 'frontend', `127.0.0.1:${frontend.port}`)
    try {
      const ok = await page.call({ productId: 1 }, 5_000)
      expect(ok.served.workload).toBe('frontend-v1')
      expect(ok.details.served.workload).toBe('details-v1')
      expect(ok.reviews.served.workload).toBe('reviews-v3')

      // A failing upstream (ratings) surfaces at the frontend with its own status and who failed.
      ratings.send({ type: 'setFault', knobs: { errorRate: 1, errorCode: 'PERMISSION_DENIED', latencyMs: 0 } })
      await ratings.next((m) => m.type === 'knobs' && m.knobs.errorRate === 1)
      const failure = await page.call({ productId: 1 }, 5_000).then(
        () => null,
        (err: { code: number; details: string }) => err,
      )
      expect(failure?.code).toBe(status.PERMISSION_DENIED)
      expect(failure?.details).toMatch(/reviews failed: ratings failed: fault injected by ratings-v1/)

      ratings.send({ type: 'setFault', knobs: { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 400 } })
      await ratings.next((m) => m.type === 'knobs' && m.knobs.latencyMs === 400)
      const started = Date.now()
      await page.call({ productId: 1 }, 5_000)
      expect(Date.now() - started).toBeGreaterThanOrEqual(390)
    } finally {
      page.close()
    }
  })

  it('exits by itself when its supervisor goes away, leaving no orphan', async () => {
    const orphan = await run(['--workload', 'details-v2', '--role', 'details', '--version', 'v2'])
    const exited = new Promise<void>((resolve) => orphan.child.once('exit', () => resolve()))
    // What the workload sees when Meshdeck dies without stopping it: its IPC channel closes.
    orphan.child.disconnect()
    await exited
    expect(orphan.child.exitCode).toBe(0)
  })

  it('rejects a bad command line with a message naming the fix, and exits 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, '--workload', 'x', '--role', 'reviews', '--version', 'v2', '--port', '1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(2)
    expect(stderr).toContain('pass --upstream ratings=TARGET')
  })

  it('generates load, counts ok pages by the reviews workload that served them, and stops at 0 rps', async () => {
    ratings.send({ type: 'setFault', knobs: { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 } })
    const loadgen = await run(['--workload', 'loadgen', '--role', 'loadgen', '--rps', '20', '--upstream', `frontend=127.0.0.1:${frontend.port}`], false)
    const after = await loadgen.next((m) => m.type === 'loadStats' && m.stats.ok >= 20)
    expect(after.type === 'loadStats' && after.stats.okByReviews['reviews-v3']).toBeGreaterThanOrEqual(20)
    loadgen.send({ type: 'setLoad', rps: 0 })
    await loadgen.next((m) => m.type === 'knobs' && m.rps === 0)
    await new Promise((r) => setTimeout(r, 1_500))
    const last = (): number => {
      const stats = loadgen.messages.filter((m) => m.type === 'loadStats')
      const final = stats[stats.length - 1]
      return final && final.type === 'loadStats' ? final.stats.ok + final.stats.failed : -1
    }
    const settled = last()
    await new Promise((r) => setTimeout(r, 1_500))
    expect(last()).toBe(settled)
  })
})
