import { webcrypto } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import type { ClusterPki } from './certs'

type CreateParams = Parameters<typeof x509.X509CertificateGenerator.create>[0]
type SigningKey = CreateParams extends { signingKey: infer K } ? K : never
type PublicKeyParam = CreateParams extends { publicKey: infer K } ? K : never

const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 }

function pemBody(pem: string): ArrayBuffer {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  const buf = Buffer.from(b64, 'base64')
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
}

/**
 * A client certificate signed by the cluster CA whose validity ended yesterday (the openssl CLI
 * cannot back-date one), so tests can see how an expired credential is reported.
 */
export async function issueExpiredClientCert(dir: string, pki: Pick<ClusterPki, 'caCert' | 'caKey'>, user: string): Promise<{ cert: string; key: string }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  const ca = new x509.X509Certificate(readFileSync(pki.caCert, 'utf8'))
  const caKey = await webcrypto.subtle.importKey('pkcs8', pemBody(readFileSync(pki.caKey, 'utf8')), alg, false, ['sign'])
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])
  const day = 86_400_000
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Date.now().toString(16),
    subject: `CN=${user}`,
    issuer: ca.subject,
    notBefore: new Date(Date.now() - 2 * day),
    notAfter: new Date(Date.now() - day),
    signingAlgorithm: alg,
    publicKey: keys.publicKey as unknown as PublicKeyParam,
    signingKey: caKey as unknown as SigningKey,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  })
  const keyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const certPath = join(dir, `${user}-expired.crt`)
  const keyPath = join(dir, `${user}-expired.key`)
  writeFileSync(certPath, cert.toString('pem'))
  writeFileSync(keyPath, `-----BEGIN PRIVATE KEY-----\n${keyDer.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`, { mode: 0o600 })
  return { cert: certPath, key: keyPath }
}
