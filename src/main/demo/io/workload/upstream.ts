import { Client, credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js'
import { XdsChannelCredentials } from '@grpc/grpc-js-xds'
import type { Context } from '@opentelemetry/api'
import type { DemoApi, ServingRole } from './api'
import { endSpan, type WorkloadTracing } from './tracing'

/** A typed unary call to one upstream role through its own channel. */
export interface Upstream<Req, Res> {
  readonly target: string
  /** `parent` is the server span's context when the call is made on behalf of an incoming RPC. */
  call(request: Req, deadlineMs: number, parent?: Context): Promise<Res>
  close(): void
}

/**
 * xds:/// targets get xDS credentials so that, once the control plane hands out mTLS settings, the
 * channel uses them without a code change; other targets (tests, the plain fallback) stay insecure.
 */
function channelCredentials(target: string): ChannelCredentials {
  return target.startsWith('xds:') ? new XdsChannelCredentials(credentials.createInsecure()) : credentials.createInsecure()
}

export function connectUpstream<Req, Res>(api: DemoApi, role: ServingRole, target: string, tracing: WorkloadTracing | null = null): Upstream<Req, Res> {
  const method = api.method<Req, Res>(role)
  const client = new Client(target, channelCredentials(target))
  return {
    target,
    call: (request, deadlineMs, parent) =>
      new Promise<Res>((resolve, reject) => {
        const traced = tracing?.clientSpan(method.path.replace(/^\//, ''), role, parent)
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          traced?.metadata ?? new Metadata(),
          { deadline: Date.now() + deadlineMs },
          (err: ServiceError | null, value?: Res) => {
            if (traced) endSpan(traced.span, err ?? (value === undefined ? { message: 'empty reply' } : null))
            if (err || value === undefined) reject(err ?? new Error('empty reply'))
            else resolve(value)
          },
        )
      }),
    close: () => client.close(),
  }
}
