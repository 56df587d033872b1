import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { CallOutcome } from './xds-grpc'

/** Parent side of xds-child-client.ts: a child process of real grpc-js-xds channels. */
export interface ChildClients {
  readonly pid: number
  /** The child's exit code once it has exited (a grpc-js-xds client that crashed), else null. */
  exitCode(): number | null
  open(target: string, nodeIds: string[], bootstrap: object): Promise<number[]>
  call(index: number, count: number): Promise<CallOutcome[]>
  /** Starts echo backends (see xds-grpc startBackend) in the child; their ports. */
  serve(names: string[]): Promise<number[]>
  /** CPU used so far and memory of the child, for the benchmark. */
  usage(): Promise<ChildUsage>
  /** Starts, or stops and writes to `file`, a CPU profile of the child. */
  profile(action: 'start' | 'stop', file?: string): Promise<void>
  dispose(): Promise<void>
}

export interface ChildUsage {
  /** User + system CPU since the child started. */
  cpuMicros: number
  rss: number
  heapUsed: number
}

interface Reply {
  ok: boolean
  error?: string
  ready?: boolean
  codes?: number[]
  outcomes?: CallOutcome[]
  usage?: ChildUsage
  ports?: number[]
}

export async function startChildClients(env: Record<string, string> = {}): Promise<ChildClients> {
  const child: ChildProcess = fork(join(__dirname, 'xds-child-client.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const replies: ((reply: Reply) => void)[] = []
  child.on('message', (reply: Reply) => replies.shift()?.(reply))
  // A crashed child answers nothing: fail what waits for it instead of hanging the test.
  child.on('exit', (code, signal) => {
    for (const reply of replies.splice(0)) reply({ ok: false, error: `xds child exited (${code ?? signal})` })
  })
  const request = (message: object): Promise<Reply> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`xds child exited (${child.exitCode ?? child.signalCode})`))
      replies.push((reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))))
      child.send(message)
    })
  await new Promise<void>((resolve, reject) => {
    replies.push((reply) => (reply.ok ? resolve() : reject(new Error(`xds child exited early: ${reply.error}`))))
  })
  return {
    pid: child.pid ?? 0,
    exitCode: () => child.exitCode ?? (child.signalCode ? -1 : null),
    open: async (target, nodeIds, bootstrap) => (await request({ cmd: 'open', target, nodeIds, bootstrap })).codes ?? [],
    call: async (index, count) => (await request({ cmd: 'call', index, count })).outcomes ?? [],
    serve: async (names) => (await request({ cmd: 'serve', names })).ports ?? [],
    usage: async () => {
      const { usage } = await request({ cmd: 'usage' })
      if (!usage) throw new Error('the xds child sent no usage')
      return usage
    },
    profile: async (action, file) => void (await request({ cmd: 'profile', action, file })),
    dispose: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.send({ cmd: 'close' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await exited
      clearTimeout(timer)
    },
  }
}
