import { z } from 'zod'
import { method } from './define'

export const traceSummarySchema = z.object({
  traceId: z.string(),
  rootService: z.string(),
  rootName: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number().int(),
  services: z.array(z.string()),
  error: z.boolean(),
})

export const spanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['client', 'server', 'internal', 'producer', 'consumer', 'unspecified']),
  service: z.string(),
  serviceVersion: z.string().nullable(),
  startMs: z.number(),
  durationMs: z.number(),
  error: z.boolean(),
  statusMessage: z.string().nullable(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
})
export type SpanDto = z.infer<typeof spanSchema>

export const collectorInfoSchema = z.object({ otlpUrl: z.string(), zipkinUrl: z.string() }).nullable()

export const traceMethods = {
  'traces.search': method(
    z
      .object({
        service: z.string().optional(),
        errorsOnly: z.boolean().optional(),
        minDurationMs: z.number().nonnegative().optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    z.object({ traces: z.array(traceSummarySchema), spanCount: z.number().int(), collector: collectorInfoSchema }),
    'Recent traces, newest first, filtered by service, errors or minimum duration; and where the collector listens.',
    [],
  ),
  'traces.get': method(z.object({ traceId: z.string().min(1) }).strict(), z.object({ spans: z.array(spanSchema) }), 'Every span of one trace, in start order.', ['not_found']),
}
