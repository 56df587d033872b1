// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata
// API; the polyfill must be loaded before the library, so every use goes through this file.
import 'reflect-metadata'
import { webcrypto } from 'node:crypto'
import * as x509 from '@peculiar/x509'

// The library defaults to globalThis.crypto; set Node's WebCrypto explicitly so it never depends
// on which globals a host (Electron main, plain Node, vitest) happens to expose.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])

export { x509 }
export const subtle = webcrypto.subtle
