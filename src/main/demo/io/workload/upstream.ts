import { Client, credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js'
import { XdsChannelCredentials } from '@grpc/grpc-js-xds'
import type { Context } from '@opentelemetry/api'
import type { DemoApi, ServingRole } from './api'
import { endSpan, type WorkloadTracing } from './tracing'
import { decodePeer, encodePeer, peerMetadataKey, spiffeIdOf, type PeerIdentity, type RequestOutcome } from '../../istio-metrics'

/** What a caller reports of its calls as Istio's `reporter="source"`: who it is, and where samples go. */
export interface SourceReporting {
  self: PeerIdentity
  record(outcome: RequestOutcome, durationMs: number): void
}

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

/** Statuses grpc-js makes up itself when no server answered (no connection, deadline, cancelled). */
const localFailures: number[] = [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]

/** `xds:///reviews.demo.svc.cluster.local:9080` → `reviews.demo.svc.cluster.local`: the service host the caller addresses. */
export function hostOfTarget(target: string): string {
  return target.replace(/^[a-z]+:\/{0,3}/, '').replace(/:\d+$/, '')
}

export function connectUpstream<Req, Res>(
  api: DemoApi,
  role: ServingRole,
  target: string,
  tracing: WorkloadTracing | null = null,
  reporting: SourceReporting | null = null,
): Upstream<Req, Res> {
  const method = api.method<Req, Res>(role)
  const client = new Client(target, channelCredentials(target))
  const destinationService = hostOfTarget(target)
  return {
    target,
    call: (request, deadlineMs, parent) =>
      new Promise<Res>((resolve, reject) => {
        const traced = tracing?.clientSpan(method.path.replace(/^\//, ''), role, parent)
        const metadata = traced?.metadata ?? new Metadata()
        if (reporting) metadata.set(peerMetadataKey, encodePeer(reporting.self))
        const started = performance.now()
        // The server's headers say who answered (Istio's metadata exchange does the same); none: no server was reached.
        let answeredBy: PeerIdentity | null = null
        let reachedServer = false
        const call = client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          { deadline: Date.now() + deadlineMs },
          (err: ServiceError | null, value?: Res) => {
            if (traced) endSpan(traced.span, err ?? (value === undefined ? { message: 'empty reply' } : null))
            if (reporting) {
              const peerCert = call.getAuthContext()?.sslPeerCertificate
              reporting.record(
                {
                  reporter: 'source',
                  source: reporting.self,
                  destination: answeredBy,
                  destinationService,
                  grpcStatus: err ? err.code : 0,
                  // A status other than these comes from a server even when it sent no headers (a trailers-only answer, e.g. RBAC's PERMISSION_DENIED).
                  reachedServer: reachedServer || (err !== null && !localFailures.includes(err.code)),
                  mutualTls: false,
                  peerPrincipal: spiffeIdOf(peerCert?.subjectaltname),
                  ownPrincipal: null,
                },
                performance.now() - started,
              )
            }
            if (err || value === undefined) reject(err ?? new Error('empty reply'))
            else resolve(value)
          },
        )
        call.on('metadata', (headers: Metadata) => {
          reachedServer = true
          answeredBy = decodePeer(headers.get(peerMetadataKey)[0])
        })
      }),
    close: () => client.close(),
  }
}
