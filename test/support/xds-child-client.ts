/**
 * A separate process holding real grpc-js-xds channels, for what one process cannot show:
 * clients with different grpc-js-xds settings (its feature switches are read once per process
 * from the environment) and many clients for the push benchmark.
 *
 * Messages (process.send): { cmd: 'open', target, nodeIds[], bootstrap } → { ok, opened };
 * { cmd: 'call', index, count } → { ok, outcomes }; { cmd: 'close' } → exits.
 */
import { xdsClient, callMany, type XdsTestClient } from './xds-grpc'

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
type Message = OpenMessage | CallMessage | { cmd: 'close' }

const clients: XdsTestClient[] = []

process.on('message', (message: Message) => {
  void (async () => {
    try {
      if (message.cmd === 'open') {
        const opened = message.nodeIds.map((id) => xdsClient(message.target, { ...message.bootstrap, node: { ...message.bootstrap.node, id } }))
        clients.push(...opened)
        // A channel resolves (and opens its ADS stream) on first use.
        // Generous deadline: the first call waits for the whole xDS handshake, slow on a busy machine.
        const first = await Promise.all(opened.map((c) => c.call({}, 30_000)))
        process.send?.({ ok: true, opened: opened.length, codes: first.map((o) => o.code) })
      } else if (message.cmd === 'call') {
        const client = clients[message.index]
        if (!client) throw new Error(`no client ${message.index}`)
        process.send?.({ ok: true, outcomes: await callMany(client, message.count, 10) })
      } else {
        for (const client of clients) client.close()
        process.exit(0)
      }
    } catch (err) {
      process.send?.({ ok: false, error: (err as Error).message })
    }
  })()
})
process.on('disconnect', () => process.exit(0))
process.send?.({ ok: true, ready: true })
