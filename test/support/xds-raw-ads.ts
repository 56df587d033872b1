import { credentials, makeGenericClientConstructor, type ClientDuplexStream, type MethodDefinition } from '@grpc/grpc-js'
import type { DiscoveryRequest, DiscoveryResponse } from '../../src/main/xds/io/ads-server'
import { xdsServices } from '../../src/main/xds/io/protos'

/**
 * A plain grpc-js client speaking ADS over the same Envoy protos, for the protocol edges a
 * well-behaved grpc-js-xds client never shows (no ACK, stale nonces, NACKs on demand, wildcard).
 */
export interface RawAds {
  /** The first request also carries the node. */
  send(request: Partial<DiscoveryRequest>): void
  next(): Promise<RawResponse>
  /** Resolves false if something arrives within ms. */
  nothingWithin(ms: number): Promise<boolean>
  close(): void
}

/** A response as decoded, with the exact bytes that came over the wire. */
export type RawResponse = DiscoveryResponse & { bytes: Buffer }

export function openRawAds(address: string, nodeId: string): RawAds {
  const { ads } = xdsServices()
  const method = ads.StreamAggregatedResources as MethodDefinition<Partial<DiscoveryRequest>, DiscoveryResponse>
  // Keep the bytes: responses are decoded here, by the same proto-loader deserialiser clients use.
  const Client = makeGenericClientConstructor({ ...ads, StreamAggregatedResources: { ...method, responseDeserialize: (bytes: Buffer) => bytes } }, 'AggregatedDiscoveryService')
  const client = new Client(address, credentials.createInsecure())
  const stream = (client as unknown as { StreamAggregatedResources(): ClientDuplexStream<Partial<DiscoveryRequest>, Buffer> }).StreamAggregatedResources()
  const queue: RawResponse[] = []
  const waiters: ((r: RawResponse) => void)[] = []
  stream.on('data', (bytes: Buffer) => {
    const response = { ...method.responseDeserialize(bytes), bytes }
    if (waiters.length > 0) waiters.shift()?.(response)
    else queue.push(response)
  })
  stream.on('error', () => undefined)
  let first = true
  return {
    send: (request) => {
      stream.write({ version_info: '', resource_names: [], response_nonce: '', ...request, ...(first ? { node: { id: nodeId, cluster: 'raw', locality: { region: '', zone: '', sub_zone: '' } } as DiscoveryRequest['node'] } : {}) })
      first = false
    },
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift() as RawResponse) : new Promise((resolve) => waiters.push(resolve))),
    nothingWithin: (ms) =>
      new Promise((resolve) => {
        if (queue.length > 0) return resolve(false)
        const waiter = (r: RawResponse): void => {
          clearTimeout(timer)
          queue.push(r)
          resolve(false)
        }
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1)
          resolve(true)
        }, ms)
        waiters.push(waiter)
      }),
    close: () => {
      stream.cancel()
      client.close()
    },
  }
}
