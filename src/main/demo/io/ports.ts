import { createServer } from 'node:net'

/**
 * Asks the OS for a free loopback port. An xDS server must know its port before it starts (its
 * Listener resource is named after address:port, and the WorkloadEntry must carry it), so the
 * supervisor picks ports up front rather than binding port 0 in the workload. The small window
 * between closing this probe and the workload binding is covered by restart-on-crash.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))))
    })
  })
}
