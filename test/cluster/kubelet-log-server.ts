import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { ClusterPki } from './certs'

export interface KubeletLogServer {
  port: number
  stop(): Promise<void>
}

/**
 * The kubelet's log endpoint (GET /containerLogs/{ns}/{pod}/{container}), which kube-apiserver
 * proxies `pods/log` to. There is no real kubelet here, so this HTTPS server plays that one part:
 * each container "prints" numbered lines, one every 100 ms while following. Nodes point at it via
 * status.daemonEndpoints.kubeletEndpoint.Port (see createNodes).
 */
export async function startKubeletLogServer(pki: Pick<ClusterPki, 'servingCert' | 'servingKey'>): Promise<KubeletLogServer> {
  const server: Server = createServer({ cert: readFileSync(pki.servingCert), key: readFileSync(pki.servingKey) }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://kubelet')
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    if (!match) {
      res.writeHead(404).end('not found')
      return
    }
    const [, namespace, pod, container] = match
    if (url.searchParams.get('previous') === 'true') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`previous terminated container "${container}" in pod "${pod}" not found`)
      return
    }
    const timestamps = url.searchParams.get('timestamps') === 'true'
    const tail = Number(url.searchParams.get('tailLines') ?? '20')
    let n = 0
    const line = (): string => {
      n++
      const text = `${n} ${namespace}/${pod}/${container} ${n % 5 === 0 ? 'WARN slow request' : 'INFO handled request'}\n`
      return timestamps ? `${new Date().toISOString()} ${text}` : text
    }
    res.writeHead(200, { 'content-type': 'text/plain' })
    for (let i = 0; i < Math.min(tail, 20); i++) res.write(line())
    if (url.searchParams.get('follow') !== 'true') {
      res.end()
      return
    }
    const timer = setInterval(() => res.write(line()), 100)
    res.on('close', () => clearInterval(timer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
