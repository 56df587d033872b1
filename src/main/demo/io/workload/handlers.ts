import { Metadata, status, type sendUnaryData, type ServerUnaryCall, type ServiceError, type UntypedServiceImplementation } from '@grpc/grpc-js'
import type { Context } from '@opentelemetry/api'
import type { FaultKnobs } from '../../ipc'
import type { DetailsReply, ProductPage, ProductRequest, RatingsReply, Review, ReviewsReply, Served, ServingRole } from './api'
import { serviceOf } from './api'
import { decideFault } from './fault'
import type { Upstream } from './upstream'
import { endSpan, type WorkloadTracing } from './tracing'
import { decodePeer, encodePeer, peerMetadataKey, spiffeIdOf, type PeerIdentity, type RequestOutcome } from '../../istio-metrics'

export interface HandlerContext {
  served: Served
  knobs(): FaultKnobs
  /** Called once per RPC with its outcome, for the periodic log line. */
  record(ok: boolean): void
  details?: Upstream<ProductRequest, DetailsReply>
  reviews?: Upstream<ProductRequest, ReviewsReply>
  ratings?: Upstream<ProductRequest, RatingsReply>
  /** Null when no collector was given. */
  tracing?: WorkloadTracing | null
  /** Istio's `reporter="destination"` samples: who this workload is, its service host, and where samples go. */
  reporting?: { self: PeerIdentity; service: string; record(outcome: RequestOutcome, durationMs: number): void } | null
  /** A line in the workload's log; failed RPCs are logged with their trace id, so a span leads to its log. */
  log?: (line: string) => void
}

const upstreamDeadlineMs = 3_000

const reviewers = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  { reviewer: 'Reviewer2', text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.' },
]

function isServiceError(err: unknown): err is ServiceError {
  return typeof err === 'object' && err !== null && 'code' in err && typeof (err as { code: unknown }).code === 'number'
}

/** An upstream failure keeps its status code, so the load generator sees what really went wrong downstream. */
function upstreamFailure(upstream: string, err: unknown): Partial<ServiceError> {
  const code = isServiceError(err) ? err.code : status.UNKNOWN
  const details = isServiceError(err) ? err.details : String(err)
  return { code, details: `${upstream} failed: ${details}` }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Wraps a role's logic with the fault knobs: latency first, then maybe a failure, then the real work. */
function unary<Res>(ctx: HandlerContext, method: string, serve: (request: ProductRequest, parent?: Context) => Promise<Res>) {
  return (call: ServerUnaryCall<ProductRequest, Res>, callback: sendUnaryData<Res>): void => {
    const decision = decideFault(ctx.knobs(), Math.random(), ctx.served.workload)
    // The server span covers the injected latency and failure too: that is what the caller felt.
    const traced = ctx.tracing?.serverSpan(method, call.metadata)
    const started = performance.now()
    const reporting = ctx.reporting
    if (reporting) {
      // Headers first, naming this workload, so the caller knows who answered even when the answer is a failure.
      const headers = new Metadata()
      headers.set(peerMetadataKey, encodePeer(reporting.self))
      call.sendMetadata(headers)
    }
    const reply = (err: Partial<ServiceError> | null, value?: Res): void => {
      if (traced) endSpan(traced.span, err)
      if (reporting) {
        // mTLS as it is on the wire: this call's TLS session, and the certificate the caller presented in it.
        const auth = call.getAuthContext()
        const peerCert = auth?.transportSecurityType === 'ssl' ? auth.sslPeerCertificate : undefined
        const peerPrincipal = spiffeIdOf(peerCert?.subjectaltname)
        reporting.record(
          {
            reporter: 'destination',
            source: decodePeer(call.metadata.get(peerMetadataKey)[0]),
            destination: reporting.self,
            destinationService: reporting.service,
            grpcStatus: err ? (err.code ?? status.UNKNOWN) : status.OK,
            reachedServer: true,
            mutualTls: peerCert !== undefined && Object.keys(peerCert).length > 0,
            peerPrincipal,
            ownPrincipal: null,
          },
          performance.now() - started,
        )
      }
      if (err) {
        const ids = traced ? ` trace=${traced.span.spanContext().traceId} span=${traced.span.spanContext().spanId}` : ''
        ctx.log?.(`${method} failed: ${status[err.code ?? status.UNKNOWN] ?? err.code} ${err.details ?? ''}${decision.fail ? ' (injected fault)' : ''}${ids}`)
      }
      if (err) callback(err)
      else callback(null, value)
    }
    void (async () => {
      if (decision.delayMs > 0) await sleep(decision.delayMs)
      if (decision.fail) {
        ctx.record(false)
        reply(decision.fail)
        return
      }
      try {
        const value = await serve(call.request, traced?.context)
        ctx.record(true)
        reply(null, value)
      } catch (err) {
        ctx.record(false)
        reply(isServiceError(err) ? err : { code: status.INTERNAL, details: String(err) })
      }
    })()
  }
}

async function callUpstream<Res>(name: string, upstream: Upstream<ProductRequest, Res> | undefined, request: ProductRequest, parent?: Context): Promise<Res> {
  if (!upstream) throw { code: status.FAILED_PRECONDITION, details: `no upstream configured for ${name}` }
  try {
    return await upstream.call(request, upstreamDeadlineMs, parent)
  } catch (err) {
    throw upstreamFailure(name, err)
  }
}

/** The one service implementation this role serves. */
export function implementationFor(role: ServingRole, ctx: HandlerContext): UntypedServiceImplementation {
  const { served } = ctx
  const serveOne = (): ((request: ProductRequest, parent?: Context) => Promise<unknown>) => {
    switch (role) {
      case 'details':
        return async (request): Promise<DetailsReply> => ({
          served,
          productId: request.productId,
          title: 'The Comedy of Errors',
          author: 'William Shakespeare',
          pages: 200,
        })
      case 'ratings':
        return async (request): Promise<RatingsReply> => ({
          served,
          productId: request.productId,
          ratings: { Reviewer1: 5, Reviewer2: 4 },
        })
      case 'reviews':
        return async (request, parent): Promise<ReviewsReply> => {
          // v1 never calls ratings; v2 shows black stars and v3 red, as bookinfo does.
          const ratings = served.version === 'v1' ? null : await callUpstream('ratings', ctx.ratings, request, parent)
          const starColor = ratings ? (served.version === 'v3' ? 'red' : 'black') : ''
          const reviews: Review[] = reviewers.map((r) => ({ ...r, stars: ratings?.ratings[r.reviewer] ?? 0, starColor }))
          return { served, productId: request.productId, reviews, ratingsServed: ratings?.served ?? null }
        }
      case 'frontend':
        // A page needs both parts: an upstream failure fails the page with the upstream's status,
        // so a failing canary behind reviews shows up in the load generator's counts.
        return async (request, parent): Promise<ProductPage> => {
          const [details, reviews] = await Promise.all([
            callUpstream('details', ctx.details, request, parent),
            callUpstream('reviews', ctx.reviews, request, parent),
          ])
          return { served, details, reviews }
        }
    }
  }
  const { service, method } = serviceOf[role]
  return { [method]: unary(ctx, `meshdeck.demo.v1.${service}/${method}`, serveOne()) }
}
