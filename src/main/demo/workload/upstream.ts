import { Client, credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js'
import { XdsChannelCredentials } from '@grpc/grpc-js-xds'
import type { DemoApi, ServingRole } from './api'

/** A typed unary call to one upstream role through its own channel. */
export interface Upstream<Req, Res> {
  readonly target: string
  call(request: Req, deadlineMs: number): Promise<Res>
  close(): void
}

/**
 * xds:/// targets get xDS credentials so that, once the control plane hands out mTLS settings, the
 * channel uses them without a code change; other targets (tests, the plain fallback) stay insecure.
 */
function channelCredentials(target: string): ChannelCredentials {
  return target.startsWith('xds:') ? new XdsChannelCredentials(credentials.createInsecure()) : credentials.createInsecure()
}

export function connectUpstream<Req, Res>(api: DemoApi, role: ServingRole, target: string): Upstream<Req, Res> {
  const method = api.method<Req, Res>(role)
  const client = new Client(target, channelCredentials(target))
  return {
    target,
    call: (request, deadlineMs) =>
      new Promise<Res>((resolve, reject) => {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          new Metadata(),
          { deadline: Date.now() + deadlineMs },
          (err: ServiceError | null, value?: Res) => (err || value === undefined ? reject(err ?? new Error('empty reply')) : resolve(value)),
        )
      }),
    close: () => client.close(),
  }
}
