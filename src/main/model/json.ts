/**
 * The one reader of JSON that comes from outside: the Kubernetes API (lists, watch events), YAML
 * parsed into values, wire formats. Nothing there is trusted, so every accessor answers with a
 * value of its type or with "absent", and never throws.
 *
 * Empty strings are absent. Kubernetes' Go types write optional strings with `omitempty`, so on
 * the wire "" and a missing field mean the same thing; `asText("")` is undefined and a caller
 * writes its default once (`asText(spec.type) ?? 'ClusterIP'`). Elements of maps and lists are
 * values, not fields: a label `node-role.kubernetes.io/control-plane: ""` is a real label, so
 * `asStringMap` and `asStrings` keep "".
 */

export type JsonObject = Record<string, unknown>

/** A JSON object (a mapping): not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** The object, or {} for anything else, so a chain of reads never needs a guard. */
export function asObject(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {}
}

/** Each element of a list as an object ({} for an element that is not one); [] for a non-list. */
export function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.map(asObject) : []
}

/** A non-empty string; "" and every non-string are absent. */
export function asText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** A finite number; anything else is absent (JSON has no NaN, YAML has .nan). */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/** A boolean; anything else (the string "true" too) is absent. */
export function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined
}

/** The string-valued entries of an object (labels, selectors, annotations), "" values included. */
export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, entry] of Object.entries(asObject(value))) if (typeof entry === 'string') out[key] = entry
  return out
}

/** The string elements of a list, "" included. */
export function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}
