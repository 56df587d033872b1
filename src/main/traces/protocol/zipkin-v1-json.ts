import type { SpanKind } from '../span'
import { isHexId, timestampOf, type ParsedSpans, type RejectedSpan } from '../span-checks'
import { isObject } from './otlp-values'
import { zipkinSpan, type ZipkinParts } from './zipkin-span'

/**
 * Reads Zipkin's v1 JSON (POST /api/v1/spans, Envoy's older default). Pure. A v1 span carries its
 * side in core annotations: cs/cr (client send/receive) and sr/ss (server receive/send), each with
 * the endpoint that logged it. One v1 span holding both sides — the client and server sharing one
 * id — becomes two spans: the client's, and the server's under an id of its own whose parent is
 * the client's, as Zipkin's own v1→v2 conversion does.
 */
export function spansFromZipkinV1Json(body: unknown): ParsedSpans {
  if (!Array.isArray(body)) throw new TypeError('not a Zipkin v1 span list: expected a JSON array')
  const spans: ParsedSpans['spans'] = []
  const rejected: RejectedSpan[] = []
  for (const raw of body as unknown[]) {
    const problem = v1Problem(raw)
    if (problem || !isObject(raw)) {
      rejected.push({ reason: problem ?? 'not a span object' })
      continue
    }
    const converted = convert(raw)
    if (typeof converted === 'string') rejected.push({ reason: converted })
    else spans.push(...converted.map(zipkinSpan))
  }
  return { spans, rejected }
}

interface V1Annotation {
  timestampUs: bigint
  value: string
  service: string | null
  address: string | null
  port: number | null
}

const core = new Set(['cs', 'cr', 'sr', 'ss', 'ms', 'mr', 'ws', 'wr'])

function v1Problem(raw: unknown): string | null {
  if (!isObject(raw)) return 'not a span object'
  if (!isHexId(raw.traceId, [16, 32])) return 'traceId is not 16 or 32 hex digits'
  if (!isHexId(raw.id, [16])) return 'id is not 16 hex digits'
  if (raw.parentId !== undefined && raw.parentId !== null && raw.parentId !== '' && !isHexId(raw.parentId, [16])) return 'parentId is not 16 hex digits'
  if (raw.timestamp !== undefined && timestampOf(raw.timestamp) === null) return 'timestamp is not a number of microseconds'
  if (raw.duration !== undefined && timestampOf(raw.duration) === null) return 'duration is not a number of microseconds'
  return null
}

function convert(raw: Record<string, unknown>): ZipkinParts[] | string {
  const annotations = annotationsOf(raw.annotations)
  const tags: Record<string, string> = {}
  let localService: string | null = null
  let remote: { service: string | null; address: string | null; port: number | null } = { service: null, address: null, port: null }
  let serverAddress: typeof remote | null = null
  for (const binary of Array.isArray(raw.binaryAnnotations) ? raw.binaryAnnotations : []) {
    if (!isObject(binary) || typeof binary.key !== 'string') continue
    const endpoint = endpointFields(binary.endpoint)
    // ca/sa name the other side's address; lc names a local (in-process) span's service.
    if (binary.key === 'ca' || binary.key === 'sa') {
      if (binary.key === 'sa') serverAddress = endpoint
      else remote = endpoint
      continue
    }
    if (binary.key === 'lc' && endpoint.service) localService = endpoint.service
    const value = binary.value
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') tags[binary.key] = String(value)
    if (!localService && endpoint.service) localService = endpoint.service
  }
  const at = (value: string): V1Annotation | undefined => annotations.find((a) => a.value === value)
  const cs = at('cs') ?? at('ms')
  const cr = at('cr') ?? at('wr')
  const sr = at('sr') ?? at('mr')
  const ss = at('ss') ?? at('ws')
  const producer = !!at('ms') || !!at('ws')
  const consumer = !!at('mr') || !!at('wr')
  const others = annotations.filter((a) => !core.has(a.value)).map((a) => ({ timestampUs: a.timestampUs, value: a.value }))
  const traceId = (raw.traceId as string).toLowerCase()
  const id = (raw.id as string).toLowerCase()
  const parentId = typeof raw.parentId === 'string' && raw.parentId !== '' ? raw.parentId.toLowerCase() : null
  const name = String(raw.name ?? '')
  const spanTimestamp = raw.timestamp === undefined ? null : BigInt(Math.round(timestampOf(raw.timestamp)!))
  const spanDuration = raw.duration === undefined ? null : BigInt(Math.round(timestampOf(raw.duration)!))
  const base = { traceId, name, tags, annotations: others, remoteService: null, remoteAddress: null, remotePort: null }

  const clientSide = cs || cr ? sideOf(cs, cr) : null
  const serverSide = sr || ss ? sideOf(sr, ss) : null
  const clientService = (cs ?? cr)?.service ?? null
  const serverService = (sr ?? ss)?.service ?? null
  if (clientSide && serverSide && clientService !== serverService) {
    // Both sides in one v1 span (one shared id): the client keeps the id, the server gets its own.
    return [
      { ...base, id, parentId, kind: producer ? 'producer' : 'client', ...clientSide, localService: clientService, ...remoteOf(serverAddress ?? { service: serverService, address: null, port: null }), shared: false },
      { ...base, id, parentId, kind: consumer ? 'consumer' : 'server', ...serverSide, localService: serverService, ...remoteOf(remote), shared: true },
    ]
  }
  const side = clientSide ?? serverSide
  const kind: SpanKind = clientSide ? (producer ? 'producer' : 'client') : serverSide ? (consumer ? 'consumer' : 'server') : 'unspecified'
  const timestampUs = spanTimestamp ?? side?.timestampUs ?? others[0]?.timestampUs ?? null
  if (timestampUs === null) return 'no timestamp: neither the span nor its annotations say when it happened'
  const durationUs = spanDuration ?? side?.durationUs ?? 0n
  const service = clientSide ? clientService : serverSide ? serverService : localService
  return [
    {
      ...base,
      id,
      parentId,
      kind,
      timestampUs,
      durationUs,
      localService: service ?? localService,
      ...remoteOf(clientSide ? serverAddress ?? { service: null, address: null, port: null } : remote),
      // A server side alone without a span timestamp joined a span its client started (in v1 the
      // side that starts a span dates it): a shared span, as Envoy's v1 reports send it.
      shared: kind === 'server' && spanTimestamp === null,
    },
  ]
}

function sideOf(start: V1Annotation | undefined, end: V1Annotation | undefined): { timestampUs: bigint; durationUs: bigint } {
  const from = start?.timestampUs ?? end!.timestampUs
  const to = end?.timestampUs ?? from
  return { timestampUs: from, durationUs: to > from ? to - from : 0n }
}

function remoteOf(endpoint: { service: string | null; address: string | null; port: number | null }): Pick<ZipkinParts, 'remoteService' | 'remoteAddress' | 'remotePort'> {
  return { remoteService: endpoint.service, remoteAddress: endpoint.address, remotePort: endpoint.port }
}

function annotationsOf(value: unknown): V1Annotation[] {
  if (!Array.isArray(value)) return []
  const out: V1Annotation[] = []
  for (const a of value) {
    if (!isObject(a) || typeof a.value !== 'string') continue
    const time = timestampOf(a.timestamp)
    if (time === null) continue
    out.push({ timestampUs: BigInt(Math.round(time)), value: a.value, ...endpointFields(a.endpoint) })
  }
  return out
}

function endpointFields(value: unknown): { service: string | null; address: string | null; port: number | null } {
  if (!isObject(value)) return { service: null, address: null, port: null }
  return {
    service: typeof value.serviceName === 'string' && value.serviceName !== '' ? value.serviceName : null,
    address: typeof value.ipv4 === 'string' ? value.ipv4 : typeof value.ipv6 === 'string' ? value.ipv6 : null,
    port: typeof value.port === 'number' && Number.isInteger(value.port) ? value.port : null,
  }
}
