import type { AttributeValue, Attributes } from '../span'
import { base64Of, bytesOfBase64 } from './ids'

/**
 * OTLP AnyValue → a Meshdeck attribute value, for both encodings. Pure. OpenTelemetry's API only
 * makes primitives and homogeneous arrays; other AnyValues (bytes, key/value lists, nested arrays)
 * stay readable as text rather than being dropped.
 */

/** The part of a protobufjs-decoded AnyValue that is read (oneof members are null when unset). */
export interface ProtoAnyValue {
  stringValue?: string | null
  boolValue?: boolean | null
  intValue?: number | { low: number; high: number; unsigned?: boolean; toString(): string } | null
  doubleValue?: number | null
  arrayValue?: { values?: ProtoAnyValue[] | null } | null
  kvlistValue?: { values?: ProtoKeyValue[] | null } | null
  bytesValue?: Uint8Array | null
}

export interface ProtoKeyValue {
  key?: string | null
  value?: ProtoAnyValue | null
}

export function attributesOfProto(list: readonly ProtoKeyValue[] | null | undefined): Attributes {
  const out: Attributes = {}
  if (!list) return out
  for (const item of list) {
    if (!item.key || !item.value) continue
    const value = protoValue(item.value)
    if (value !== undefined) out[item.key] = value
  }
  return out
}

function protoValue(value: ProtoAnyValue): AttributeValue | undefined {
  if (value.stringValue != null) return value.stringValue
  if (value.boolValue != null) return value.boolValue
  if (value.intValue != null) return int64(value.intValue)
  if (value.doubleValue != null) return value.doubleValue
  if (value.arrayValue != null) return arrayOf((value.arrayValue.values ?? []).map(protoValue), () => protoJson(value))
  if (value.kvlistValue != null) return protoJson(value)
  if (value.bytesValue != null) return base64Of(value.bytesValue)
  return undefined
}

function protoJson(value: ProtoAnyValue): string {
  return JSON.stringify(plainProto(value))
}

function plainProto(value: ProtoAnyValue | null | undefined): unknown {
  if (!value) return null
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(plainProto)
  if (value.kvlistValue != null) return Object.fromEntries((value.kvlistValue.values ?? []).map((kv) => [kv.key ?? '', plainProto(kv.value)]))
  return protoValue(value) ?? null
}

/** A protobufjs Long (or number) as a number when exact, else its decimal text. */
function int64(value: NonNullable<ProtoAnyValue['intValue']>): number | string {
  if (typeof value === 'number') return value
  const number = value.high * 4294967296 + (value.low >>> 0)
  return Number.isSafeInteger(number) ? number : value.toString()
}

export function attributesOfJson(list: unknown): Attributes {
  const out: Attributes = {}
  if (!Array.isArray(list)) return out
  for (const item of list) {
    if (!isObject(item) || typeof item.key !== 'string' || item.key === '' || !isObject(item.value)) continue
    const value = jsonValue(item.value)
    if (value !== undefined) out[item.key] = value
  }
  return out
}

function jsonValue(value: Record<string, unknown>): AttributeValue | undefined {
  if (typeof value.stringValue === 'string') return value.stringValue
  if (typeof value.boolValue === 'boolean') return value.boolValue
  if (value.intValue !== undefined) return jsonInt(value.intValue)
  if (value.doubleValue !== undefined) return jsonDouble(value.doubleValue)
  if (isObject(value.arrayValue)) {
    const values = Array.isArray(value.arrayValue.values) ? value.arrayValue.values : []
    return arrayOf(values.map((v) => (isObject(v) ? jsonValue(v) : undefined)), () => JSON.stringify(plainJson(value)))
  }
  if (isObject(value.kvlistValue)) return JSON.stringify(plainJson(value))
  if (typeof value.bytesValue === 'string') {
    const bytes = bytesOfBase64(value.bytesValue)
    return bytes ? base64Of(bytes) : undefined
  }
  return undefined
}

function plainJson(value: unknown): unknown {
  if (!isObject(value)) return null
  if (isObject(value.arrayValue)) return (Array.isArray(value.arrayValue.values) ? value.arrayValue.values : []).map(plainJson)
  if (isObject(value.kvlistValue)) {
    const values = Array.isArray(value.kvlistValue.values) ? value.kvlistValue.values : []
    return Object.fromEntries(values.filter(isObject).map((kv) => [String(kv.key ?? ''), plainJson(kv.value)]))
  }
  return jsonValue(value) ?? null
}

/** OTLP JSON int64: a decimal string or a number; exact numbers stay numbers. */
function jsonInt(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined
  if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) return undefined
  const number = Number(value)
  return Number.isSafeInteger(number) ? number : BigInt(value).toString()
}

/** Protobuf JSON doubles may be numbers or the strings "NaN", "Infinity", "-Infinity" or a number's text. */
function jsonDouble(value: unknown): number | string | undefined {
  if (typeof value === 'number') return value
  if (typeof value !== 'string') return undefined
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return value
  const number = Number(value)
  return value.trim() !== '' && Number.isFinite(number) ? number : undefined
}

/** A homogeneous array of primitives as an array; anything else (mixed, nested) as JSON text. */
function arrayOf(values: (AttributeValue | undefined)[], asText: () => string): AttributeValue {
  const out: (string | number | boolean | null)[] = []
  let type: string | null = null
  for (const value of values) {
    if (value === undefined) {
      out.push(null)
      continue
    }
    if (Array.isArray(value)) return asText()
    if (type !== null && typeof value !== type) return asText()
    type = typeof value
    out.push(value)
  }
  return out
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
