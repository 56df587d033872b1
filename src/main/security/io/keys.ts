import { createPrivateKey, createPublicKey, randomBytes, type KeyObject, type webcrypto } from 'node:crypto'
import { subtle, x509 } from './x509'

/** Every key Meshdeck makes is ECDSA P-256: small, fast, and accepted by every gRPC/TLS stack. */
export const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const
export const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const

type CryptoKey = webcrypto.CryptoKey

export interface KeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

export async function generateKeyPair(): Promise<KeyPair> {
  return (await subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as KeyPair
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await subtle.exportKey('pkcs8', key)
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

/**
 * Reads a PEM private key (PKCS#8 or SEC1 "EC PRIVATE KEY", as openssl writes either) with Node's
 * parser, checks it is P-256, and imports it for signing. Throws a plain Error with the reason;
 * callers add which file it came from.
 */
export async function importPrivateKeyPem(pem: string): Promise<KeyPair> {
  let key: KeyObject
  try {
    key = createPrivateKey({ key: pem, format: 'pem' })
  } catch (err) {
    throw new Error(`not a PEM private key (${err instanceof Error ? err.message : String(err)})`)
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const kind = key.asymmetricKeyType === 'ec' ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? '?'}` : String(key.asymmetricKeyType)
    throw new Error(`the key is ${kind}; Meshdeck's CA signs with ECDSA P-256 keys only`)
  }
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  return {
    privateKey: await subtle.importKey('pkcs8', pkcs8, keyAlgorithm, true, ['sign']),
    publicKey: await subtle.importKey('spki', spki, keyAlgorithm, true, ['verify']),
  }
}

/** A positive 128-bit serial, as RFC 5280 asks (at most 20 octets, never negative). */
export function randomSerial(): string {
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  if (bytes[0] === 0) bytes[0] = 0x01
  return bytes.toString('hex')
}
