/** google.protobuf.Struct as proto-loader decodes it (oneofs: true) → plain JSON. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

interface ProtoValue {
  kind?: string
  nullValue?: unknown
  numberValue?: number
  stringValue?: string
  boolValue?: boolean
  structValue?: ProtoStruct
  listValue?: { values?: ProtoValue[] }
}

interface ProtoStruct {
  fields?: Record<string, ProtoValue>
}

function fromValue(value: ProtoValue): JsonValue {
  switch (value.kind) {
    case 'numberValue':
      return value.numberValue ?? 0
    case 'stringValue':
      return value.stringValue ?? ''
    case 'boolValue':
      return value.boolValue ?? false
    case 'structValue':
      return structToJson(value.structValue)
    case 'listValue':
      return (value.listValue?.values ?? []).map(fromValue)
    default:
      return null
  }
}

export function structToJson(struct: ProtoStruct | null | undefined): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {}
  for (const [key, value] of Object.entries(struct?.fields ?? {})) out[key] = fromValue(value)
  return out
}
