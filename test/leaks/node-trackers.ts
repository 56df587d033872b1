import { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'
import { promisify } from 'node:util'
import { captureCreationStack, createdByProjectCode } from './creation-stack'
import { installOnce, nextSeq, track } from './registry'

// Node's public creation points for what can outlive a test: timers, child processes, servers,
// client sockets and file watchers. Each is wrapped to note the creation stack; whether it is still
// open is read from the object itself when the guard checks, so the wrappers add no behaviour.

/** Wraps every creation point; safe to call more than once. */
export function installNodeTrackers(): void {
  installOnce('timers', trackTimers)
  installOnce('child processes', trackChildProcesses)
  installOnce('servers', trackServers)
  installOnce('sockets', trackSockets)
  installOnce('file watchers', trackFileWatchers)
}

/** Node marks a Timeout `_destroyed` once it fired (setTimeout) or was cleared. */
type NodeTimer = NodeJS.Timeout & { _destroyed?: boolean }

function trackTimers(): void {
  const wrap = <F extends typeof setTimeout | typeof setInterval>(name: string, original: F): F => {
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const timer = Reflect.apply(original, this, args) as NodeTimer
      const created = captureCreationStack()
      const callback = typeof args[0] === 'function' && args[0].name ? args[0].name : '…'
      track({
        kind: 'timer',
        seq: nextSeq(),
        created,
        isOpen: () => timer._destroyed === false,
        // A library's unref'd timer (grpc-js backoff, undici's clock) neither holds the process nor is
        // ours to clear; one our code made is a leak either way: it fires after its owner is gone.
        counts: () => timer.hasRef() || createdByProjectCode(created),
        describe: () => `${name}(${callback}, ${String(args[1] ?? 0)} ms)${timer.hasRef() ? '' : ' (unref’d)'} was never cleared`,
      })
      return timer
    }
    Object.assign(wrapped, { [promisify.custom]: (original as unknown as Record<symbol, unknown>)[promisify.custom] })
    return wrapped as unknown as F
  }
  globalThis.setTimeout = wrap('setTimeout', globalThis.setTimeout)
  globalThis.setInterval = wrap('setInterval', globalThis.setInterval)
}

const commandLine = (args: readonly string[]): string => {
  const line = args.join(' ')
  return line.length > 200 ? `${line.slice(0, 200)}…` : line
}

function trackChildProcesses(): void {
  // spawn, fork, exec and execFile all start their process through ChildProcess#spawn.
  const proto = ChildProcess.prototype as ChildProcess & { spawn(...args: unknown[]): unknown }
  const original = proto.spawn
  proto.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const created = captureCreationStack()
    const result = Reflect.apply(original, this, args)
    trackChild(this, created)
    return result
  }
}

function trackChild(child: ChildProcess, created: Error): void {
  track({
    kind: 'child process',
    seq: nextSeq(),
    created,
    pid: () => child.pid,
    isOpen: () => child.pid !== undefined && child.exitCode === null && child.signalCode === null,
    describe: () => `pid ${child.pid} is still running: ${commandLine(child.spawnargs)}`,
  })
}

const formatAddress = (address: ReturnType<net.Server['address']>): string =>
  address === null ? 'an unknown address' : typeof address === 'string' ? address : `${address.address}:${address.port}`

function trackServers(): void {
  const seen = new WeakSet<net.Server>()
  const original = net.Server.prototype.listen
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    if (!seen.has(this)) {
      seen.add(this)
      trackServer(this, captureCreationStack())
    }
    return Reflect.apply(original, this, args)
  }
}

function trackServer(server: net.Server, created: Error): void {
  let listened = false
  let closed = false
  let address = 'an unknown address'
  // These listeners only observe. 'close' comes once the server stopped listening AND every
  // connection it accepted has ended, which is what "closed" must mean here.
  server.on('listening', () => {
    listened = true
    closed = false
    address = formatAddress(server.address())
  })
  server.on('close', () => {
    closed = true
  })
  track({
    kind: 'server',
    seq: nextSeq(),
    created,
    // Until 'close', so that a listen() still resolving its host is not forgotten; one that failed
    // never listened and is not counted.
    isOpen: () => !closed,
    counts: () => listened && !closed,
    describe: () =>
      server.listening
        ? `${server.constructor.name} is still listening on ${address}`
        : `${server.constructor.name} on ${address} was closed, but connections it accepted are still open`,
  })
}

/** Where Socket#connect was asked to go: (options), (port, host), (path) or Node's normalised [options, cb]. */
function connectTarget(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (typeof first === 'number') return `${typeof args[1] === 'string' ? args[1] : 'localhost'}:${first}`
  if (typeof first === 'string') return first
  if (first && typeof first === 'object') {
    const o = first as { path?: string; host?: string; port?: number | string }
    return o.path ?? `${o.host ?? 'localhost'}:${String(o.port)}`
  }
  return 'an unknown address'
}

function trackSockets(): void {
  const seen = new WeakSet<net.Socket>()
  const original = net.Socket.prototype.connect
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    if (!seen.has(this)) {
      seen.add(this)
      trackSocket(this, connectTarget(args), captureCreationStack())
    }
    return Reflect.apply(original, this, args) as net.Socket
  } as typeof original
}

function trackSocket(socket: net.Socket, target: string, created: Error): void {
  track({
    kind: 'socket',
    seq: nextSeq(),
    created,
    socket,
    isOpen: () => !socket.destroyed,
    describe: () => `${socket.constructor.name} to ${target} is still open${socket.localPort ? ` (local port ${socket.localPort}, ${socket.readyState})` : ''}`,
  })
}

function trackFileWatchers(): void {
  const original = fs.watch
  fs.watch = function (this: unknown, ...args: unknown[]) {
    const watcher = Reflect.apply(original, this, args) as fs.FSWatcher
    let closed = false
    watcher.once('close', () => {
      closed = true
    })
    track({
      kind: 'file watcher',
      seq: nextSeq(),
      created: captureCreationStack(),
      isOpen: () => !closed,
      describe: () => `fs.watch(${String(args[0])}) was never closed`,
    })
    return watcher
  } as typeof fs.watch
  // `import { watch } from 'node:fs'` reads the ES module's binding, which only follows this on sync.
  syncBuiltinESMExports()
}
