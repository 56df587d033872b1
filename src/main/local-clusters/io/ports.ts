import { createServer } from 'node:net'
import type { RequestedHostPort } from '../kind-config'

/** A port nobody listens on right now on 127.0.0.1 (the OS picks it). */
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

/** 'in-use' when something holds it; 'unknown' when the OS will not let us try (a privileged port), which the engine's daemon may still bind. */
export function probeHostPort(address: string, port: number): Promise<'free' | 'in-use' | 'unknown'> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.unref()
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE' ? 'in-use' : 'unknown'))
    probe.listen({ port, host: address, exclusive: true }, () => probe.close(() => resolve('free')))
  })
}

export async function isLoopbackPortFree(port: number): Promise<boolean> {
  return (await probeHostPort('127.0.0.1', port)) !== 'in-use'
}

/** The requested host ports something on this machine already holds (TCP only: UDP ports are not probed). */
export async function hostPortsInUse(ports: readonly RequestedHostPort[]): Promise<RequestedHostPort[]> {
  const out: RequestedHostPort[] = []
  for (const p of ports) if (p.protocol === 'TCP' && (await probeHostPort(p.address, p.port)) === 'in-use') out.push(p)
  return out
}
