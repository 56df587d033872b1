import { Server, ServerCredentials, status, type ServiceDefinition, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js'
import type { Disposable } from '../../lib/disposable'
import { Admission, defaultAdmissionLimits, type AdmissionLimits } from '../admission'
import type { Ingest } from '../ingest'
import { otlpProtoResponse } from '../protocol/otlp-proto'

export interface GrpcCollectorOptions {
  host?: string
  /** 4317 is OTLP/gRPC's usual port; 0 picks a free one. */
  port?: number
  /** Largest message accepted, after decompression (default 8 MiB). */
  maxMessageBytes?: number
  admission?: Partial<AdmissionLimits>
  ingest: Ingest
}

export interface GrpcTraceCollector extends Disposable {
  readonly port: number
  /** Where an OTLP/gRPC exporter sends traces, e.g. http://127.0.0.1:4317. */
  readonly url: string
}

/** TraceService/Export with the request left as bytes, so a bad message is our INVALID_ARGUMENT, not a crash in a codec. */
const traceService: ServiceDefinition = {
  Export: {
    path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Uint8Array) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
    responseDeserialize: (bytes: Buffer) => bytes,
  },
}

/**
 * OTLP/gRPC (TraceService/Export) on loopback, sharing the HTTP receiver's ingest pipeline. gzip
 * from exporters is handled by grpc-js, and the message size limit applies after decompression.
 * Status semantics per OTLP: OK with partial_success, INVALID_ARGUMENT for an unreadable message,
 * UNAVAILABLE (retryable) while too much is being received.
 */
export async function startGrpcTraceCollector(options: GrpcCollectorOptions): Promise<GrpcTraceCollector> {
  const host = options.host ?? '127.0.0.1'
  const maxMessage = options.maxMessageBytes ?? 8 * 1024 * 1024
  const admission = new Admission({ ...defaultAdmissionLimits, ...options.admission })
  // Each stream holds its message until it is decoded: at most 16 streams per connection bound that
  // memory (more are refused, which exporters retry), as the HTTP receiver's admission does.
  const server = new Server({ 'grpc.max_receive_message_length': maxMessage, 'grpc.max_send_message_length': 1024 * 1024, 'grpc.max_concurrent_streams': 16 })
  server.addService(traceService, {
    Export: (call: ServerUnaryCall<Buffer, Uint8Array>, callback: sendUnaryData<Uint8Array>) => {
      const ticket = admission.enter(call.request.length)
      if (!ticket.ok) {
        options.ingest.refuse('otlp-grpc', ticket.status, ticket.message)
        callback({ code: status.UNAVAILABLE, details: ticket.message })
        return
      }
      try {
        const outcome = options.ingest.accept('otlp-grpc', options.ingest.decode('otlp-grpc', call.request))
        callback(null, otlpProtoResponse(outcome.rejected, outcome.message))
      } catch (err) {
        const message = `Unreadable trace data: ${(err as Error).message}`
        options.ingest.refuse('otlp-grpc', 400, message)
        callback({ code: status.INVALID_ARGUMENT, details: message })
      } finally {
        ticket.leave()
      }
    },
  })
  const port = await new Promise<number>((resolve, reject) => {
    const address = host.includes(':') ? `[${host}]:${options.port ?? 4317}` : `${host}:${options.port ?? 4317}`
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)))
  })
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    port,
    url: `http://${urlHost}:${port}`,
    dispose: () =>
      new Promise<void>((resolve) => {
        // A client call that never ends must not hold shutdown forever.
        const force = setTimeout(() => server.forceShutdown(), 2_000)
        server.tryShutdown(() => {
          clearTimeout(force)
          resolve()
        })
      }),
  }
}
