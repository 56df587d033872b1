import { fork, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import type { CallOutcome } from './xds-grpc'

/** Parent side of xds-child-client.ts: a child process of real grpc-js-xds channels. */
export interface ChildClients {
  readonly pid: number
  open(target: string, nodeIds: string[], bootstrap: object): Promise<number[]>
  call(index: number, count: number): Promise<CallOutcome[]>
  /** CPU and memory of the child, for the benchmark. */
  dispose(): Promise<void>
}

interface Reply {
  ok: boolean
  error?: string
  ready?: boolean
  codes?: number[]
  outcomes?: CallOutcome[]
}

export async function startChildClients(env: Record<string, string> = {}): Promise<ChildClients> {
  const child: ChildProcess = fork(join(__dirname, 'xds-child-client.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const replies: ((reply: Reply) => void)[] = []
  child.on('message', (reply: Reply) => replies.shift()?.(reply))
  const request = (message: object): Promise<Reply> =>
    new Promise((resolve, reject) => {
      replies.push((reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))))
      child.send(message)
    })
  await new Promise<void>((resolve, reject) => {
    replies.push(() => resolve())
    child.once('exit', (code) => reject(new Error(`xds child exited early (${code})`)))
  })
  return {
    pid: child.pid ?? 0,
    open: async (target, nodeIds, bootstrap) => (await request({ cmd: 'open', target, nodeIds, bootstrap })).codes ?? [],
    call: async (index, count) => (await request({ cmd: 'call', index, count })).outcomes ?? [],
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
