/**
 * A separate process holding real grpc-js-xds channels, for what one process cannot show:
 * clients with different grpc-js-xds settings (its feature switches are read once per process
 * from the environment) and many clients for the push benchmark and the fleet test.
 *
 * Messages (process.send): { cmd: 'open', target, nodeIds[], bootstrap } → { ok, opened };
 * { cmd: 'call', index, count } → { ok, outcomes }; { cmd: 'usage' } → { ok, usage } (this
 * process's CPU and memory, so the benchmark can say where a push's time goes);
 * { cmd: 'profile', action: 'start' | 'stop', file } (a CPU profile of this process);
 * { cmd: 'serve', names[] } → { ok, ports } (echo backends here, so that the benchmark's control
 * plane process does not also pay for the clients' backend connections);
 * { cmd: 'close' } → exits.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { xdsClient, callMany, startBackend, type Backend, type XdsTestClient } from './xds-grpc'

interface OpenMessage {
  cmd: 'open'
  target: string
  nodeIds: string[]
  bootstrap: { node: Record<string, unknown> }
}
interface CallMessage {
  cmd: 'call'
  index: number
  count: number
}
interface ProfileMessage {
  cmd: 'profile'
  action: 'start' | 'stop'
  file?: string
}
type Message = OpenMessage | CallMessage | ProfileMessage | { cmd: 'serve'; names: string[] } | { cmd: 'usage' } | { cmd: 'close' }

const clients: XdsTestClient[] = []
const backends: Backend[] = []
let profiler: Session | null = null

async function profile(message: ProfileMessage): Promise<void> {
  if (message.action === 'start') {
    profiler = new Session()
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
    return
  }
  if (!profiler) return
  const { profile: result } = await profiler.post('Profiler.stop')
  profiler.disconnect()
  profiler = null
  if (message.file) await writeFile(message.file, JSON.stringify(result))
}

process.on('message', (message: Message) => {
  void (async () => {
    try {
      if (message.cmd === 'open') {
        // Each channel stands for a workload process of its own, so each gets its own subchannel pool.
        const opened = message.nodeIds.map((id) => xdsClient(message.target, { ...message.bootstrap, node: { ...message.bootstrap.node, id } }, undefined, true))
        clients.push(...opened)
        // A channel resolves (and opens its ADS stream) on first use.
        // Generous deadline: the first call waits for the whole xDS handshake, slow on a busy machine.
        const first = await Promise.all(opened.map((c) => c.call({}, 30_000)))
        process.send?.({ ok: true, opened: opened.length, codes: first.map((o) => o.code) })
      } else if (message.cmd === 'call') {
        const client = clients[message.index]
        if (!client) throw new Error(`no client ${message.index}`)
        process.send?.({ ok: true, outcomes: await callMany(client, message.count, 10) })
      } else if (message.cmd === 'usage') {
        const cpu = process.cpuUsage()
        const memory = process.memoryUsage()
        process.send?.({ ok: true, usage: { cpuMicros: cpu.user + cpu.system, rss: memory.rss, heapUsed: memory.heapUsed } })
      } else if (message.cmd === 'serve') {
        const started = await Promise.all(message.names.map((name) => startBackend({ name })))
        backends.push(...started)
        process.send?.({ ok: true, ports: started.map((b) => b.port) })
      } else if (message.cmd === 'profile') {
        await profile(message)
        process.send?.({ ok: true })
      } else {
        for (const client of clients) client.close()
        await Promise.all(backends.map((b) => b.dispose()))
        process.exit(0)
      }
    } catch (err) {
      process.send?.({ ok: false, error: (err as Error).message })
    }
  })()
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ok: true, ready: true })
