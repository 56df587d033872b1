import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { readFileSync, watch } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Client, Server as GrpcServer, ServerCredentials, credentials } from '@grpc/grpc-js'
import { describe, expect, it } from 'vitest'
import { DisposableStack, trackDisposable } from '../../src/main/lib/disposable'
import { formatLeaks, openLeakScope, type Leak } from '../leaks/leak-guard'
import { waitFor } from '../support/wait'

// The leak guard (test/leaks) against planted leaks, one kind at a time: each is reported with
// what it is and the line that made it, and is no longer reported once released.

const here = 'test/unit/leak-guard.test.ts'
const lineOf = (leak: Leak | undefined): number => Number(new RegExp(`${here}:(\\d+)`).exec(leak?.createdAt ?? '')?.[1])
const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
/** The line of this file where `code` first appears after a line containing `after`. */
const lineWith = (code: string, after = 'describe('): number => {
  const from = source.findIndex((l) => l.includes(after))
  return source.findIndex((l, i) => i > from && l.includes(code)) + 1
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('the leak guard', () => {
  it('reports a timer that was never cleared, ref’d or not, until it is', async () => {
    const scope = openLeakScope()
    const interval = setInterval(function poll() {}, 60_000)
    const timeout = setTimeout(function retry() {}, 60_000).unref()
    const leaks = scope.leaks()
    expect(leaks.map((l) => `${l.kind}: ${l.description}`)).toEqual([
      'timer: setInterval(poll, 60000 ms) was never cleared',
      'timer: setTimeout(retry, 60000 ms) (unref’d) was never cleared',
    ])
    expect(leaks.map(lineOf)).toEqual([lineWith('setInterval(function poll'), lineWith('setTimeout(function retry')])
    clearInterval(interval)
    clearTimeout(timeout)
    setTimeout(() => {}, 20) // fires on its own: settle() waits for it
    expect(await scope.settle()).toEqual([])
  })

  it('reports a child process still running, until it exits', async () => {
    const scope = openLeakScope()
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'planted-child'], { stdio: 'ignore' })
    await new Promise((resolve) => child.once('spawn', resolve))
    const [leak] = scope.leaks()
    expect(leak?.kind).toBe('child process')
    expect(leak?.description).toBe(`pid ${child.pid} is still running: ${process.execPath} -e setInterval(() => {}, 1000) planted-child`)
    expect(lineOf(leak)).toBe(lineWith("'planted-child'"))
    child.kill()
    expect(await scope.settle()).toEqual([])
  })

  it('finds a grandchild left running by a child that exited, with no creation stack to show', async () => {
    const scope = openLeakScope()
    const grandchild = 'setInterval(() => {}, 1000)'
    const parent = spawn(
      process.execPath,
      ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore', detached: true }); console.log(c.pid); c.unref()`],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    )
    let out = ''
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()))
    await new Promise((resolve) => parent.once('exit', resolve))
    const pid = Number(out.trim())
    try {
      const leaks = await waitFor('the orphan', () => scope.leaks().filter((l) => l.kind === 'process').length > 0 && scope.leaks(), 5_000)
      expect(leaks.map((l) => l.description)).toEqual([
        `pid ${pid} (started by a child of this test, which stopped without ending it) is still running: ${process.execPath} -e ${grandchild}`,
      ])
    } finally {
      process.kill(pid, 'SIGKILL')
    }
    expect(await scope.settle()).toEqual([])
  })

  it('reports a listening server and a connected socket, until both are closed', async () => {
    const scope = openLeakScope()
    const server = createServer()
    const port = await listen(server)
    const socket = connect(port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    const leaks = scope.leaks()
    expect(leaks.map((l) => `${l.kind}: ${l.description}`)).toEqual([
      `server: Server is still listening on 127.0.0.1:${port}`,
      `socket: Socket to 127.0.0.1:${port} is still open (local port ${socket.localPort}, open)`,
    ])
    expect(leaks.map(lineOf)).toEqual([lineWith('server.listen(0'), lineWith('connect(port')])
    // close() alone does not end the connection the server accepted: still a leak, named as such.
    server.close()
    expect(scope.leaks().map((l) => l.description)).toEqual([
      `Server on 127.0.0.1:${port} was closed, but connections it accepted are still open`,
      `Socket to 127.0.0.1:${port} is still open (local port ${socket.localPort}, open)`,
    ])
    socket.destroy()
    expect(await scope.settle()).toEqual([])
  })

  it('reports a file watcher, until it is closed', async () => {
    const scope = openLeakScope()
    const watcher = watch(tmpdir())
    const [leak] = scope.leaks()
    expect(leak?.description).toBe(`fs.watch(${tmpdir()}) was never closed`)
    expect(lineOf(leak)).toBe(lineWith('watch(tmpdir())'))
    watcher.close()
    expect(await scope.settle()).toEqual([])
  })

  it('reports an undisposed Disposable through its owner, with what it owns', async () => {
    const scope = openLeakScope()
    const stack = new DisposableStack()
    stack.add(trackDisposable({ dispose() {} }))
    const startThing = () => trackDisposable({ dispose() {} })
    const loose = startThing()
    expect(scope.leaks().map((l) => `${l.kind}: ${l.description} @${lineOf(l)}`)).toEqual([
      `disposable: DisposableStack was never disposed (nor the 1 Disposable it owns) @${lineWith('new DisposableStack()')}`,
      `disposable: the Disposable returned by startThing was never disposed @${lineWith('const startThing')}`,
    ])
    await stack.dispose()
    loose.dispose()
    expect(await scope.settle()).toEqual([])
  })

  it('counts a handle of a kind it has no wrapper for (a UDP socket), without a stack', async () => {
    const scope = openLeakScope()
    const udp = createSocket('udp4')
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve))
    expect(scope.leaks()).toEqual([
      { kind: 'handle', description: '1 more UDPWrap handle open than when the file started (made outside the tracked APIs, so no creation stack)', createdAt: null, stack: [] },
    ])
    udp.close()
    expect(await scope.settle()).toEqual([])
  })

  it('excuses no grpc-js connection still in use: the grpc-js exception is for a socket its peer already closed', async () => {
    const scope = openLeakScope()
    const server = new GrpcServer()
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    )
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure())
    await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 5_000, (err) => (err ? reject(err) : resolve())))
    const sockets = scope.leaks().filter((l) => l.kind === 'socket')
    expect(sockets.map((l) => l.description)).toEqual([expect.stringMatching(new RegExp(`^Socket to 127\\.0\\.0\\.1:${port} is still open`))])
    expect(sockets[0]?.stack.join('\n')).toContain('Http2SubchannelConnector')
    client.close()
    server.forceShutdown()
    expect(await scope.settle()).toEqual([])
  })

  it('tells the developer what leaked, where it was made and what to do', () => {
    const scope = openLeakScope()
    const timer = setInterval(function poll() {}, 60_000)
    const message = formatLeaks(scope.leaks(), 'This test file')
    clearInterval(timer)
    expect(message).toContain('This test file left 1 resource running. Dispose, close, clear or kill each before the file ends')
    expect(message).toContain('1. timer: setInterval(poll, 60000 ms) was never cleared')
    expect(message).toContain(`created at ${here}:${lineWith('setInterval(function poll', 'tells the developer')}`)
  })
})
