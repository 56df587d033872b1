/** Trace and span ids: bytes (protobuf) ↔ lower-case hex (JSON, the API). Pure. */

const hexByte: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export function hexOf(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += hexByte[bytes[i]!]
  return out
}

/** True when every byte is zero (W3C: an all-zero trace or span id is invalid). */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/** Why id bytes are not acceptable (wrong length, all zeros), or null. */
export function idBytesProblem(field: string, bytes: Uint8Array | null | undefined, lengths: readonly number[]): string | null {
  const length = bytes?.length ?? 0
  if (!lengths.includes(length)) return `${field} is not ${lengths.join(' or ')} bytes`
  if (length > 0 && isAllZero(bytes!)) return `${field} is all zeros`
  return null
}

export function bytesOfHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Standard base64 with padding, without Buffer (pure code runs anywhere). */
export function base64Of(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = bytes[i + 1]
    const c = bytes[i + 2]
    out += base64Alphabet[a >> 2]! + base64Alphabet[((a & 3) << 4) | ((b ?? 0) >> 4)]!
    out += b === undefined ? '=' : base64Alphabet[((b & 15) << 2) | ((c ?? 0) >> 6)]!
    out += c === undefined ? '=' : base64Alphabet[c & 63]!
  }
  return out
}

/** Decodes standard or URL-safe base64 (padding optional); null when it is not base64. */
export function bytesOfBase64(text: string): Uint8Array | null {
  const clean = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/')
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) return null
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let bits = 0
  let value = 0
  let index = 0
  for (const char of clean) {
    value = (value << 6) | base64Alphabet.indexOf(char)
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[index++] = (value >> bits) & 0xff
    }
  }
  return out
}
