import { createHash } from 'node:crypto'
import { generateKeyPair, randomSerial, signingAlgorithm, type KeyPair } from './keys'
import { x509 } from './x509'

/** What one CA generation is made of: the signing cert and key, and the root that anchors it. */
export interface CaMaterial {
  signingCertPem: string
  keys: KeyPair
  rootCertPem: string
  /** Certificates from the signing cert's issuer up to, not including, the root ('' when self-signed). */
  intermediatesPem: string
}

export interface UpstreamRoot {
  certPem: string
  keys: KeyPair
}

const day = 24 * 60 * 60 * 1000
// Certificates are backdated a little so a peer whose clock is slightly behind still accepts them.
export const clockSkewMs = 5 * 60 * 1000

function caExtensions(publicKeyExt: x509.SubjectKeyIdentifierExtension, pathLength?: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    publicKeyExt,
  ]
}

/** A new self-signed root for the trust domain (first run, or a rotation without an upstream root). */
export async function createSelfSignedRoot(trustDomain: string, now: Date, validityDays: number): Promise<CaMaterial> {
  const keys = await generateKeyPair()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    // The generation date in the name tells two roots apart in the trust bundle and the UI.
    name: `O=Meshdeck, OU=${trustDomain}, CN=Meshdeck Root CA ${now.toISOString().slice(0, 19)}Z`,
    notBefore: new Date(now.getTime() - clockSkewMs),
    notAfter: new Date(now.getTime() + validityDays * day),
    keys,
    signingAlgorithm,
    extensions: [
      ...caExtensions(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
    ],
  })
  const pem = cert.toString('pem')
  return { signingCertPem: pem, keys, rootCertPem: pem, intermediatesPem: '' }
}

/** A new intermediate signed by a root the user supplies; the root key is used once and not stored. */
export async function createIntermediate(
  trustDomain: string,
  upstream: UpstreamRoot,
  now: Date,
  validityDays: number,
): Promise<CaMaterial> {
  const root = new x509.X509Certificate(upstream.certPem)
  const keys = await generateKeyPair()
  const wanted = now.getTime() + validityDays * day
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `O=Meshdeck, OU=${trustDomain}, CN=Meshdeck Intermediate CA ${now.toISOString().slice(0, 19)}Z`,
    issuer: root.subject,
    notBefore: new Date(now.getTime() - clockSkewMs),
    // An intermediate must not outlive the root that vouches for it.
    notAfter: new Date(Math.min(wanted, root.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: upstream.keys.privateKey,
    signingAlgorithm,
    extensions: [
      ...caExtensions(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey), 0),
      await x509.AuthorityKeyIdentifierExtension.create(root),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `spiffe://${trustDomain}` }]),
    ],
  })
  return { signingCertPem: cert.toString('pem'), keys, rootCertPem: root.toString('pem'), intermediatesPem: '' }
}

export interface LeafRequest {
  uri: string
  notBefore: Date
  notAfter: Date
}

export interface LeafCertificate {
  certPem: string
  keys: KeyPair
  serial: string
}

/**
 * A workload certificate in the SPIFFE X.509-SVID shape: empty subject, the SPIFFE ID as the only
 * (critical) URI SAN, not a CA, usable for both ends of mutual TLS.
 */
export async function createLeaf(
  ca: { signingCertPem: string; keys: KeyPair },
  request: LeafRequest,
  existingKeys?: KeyPair,
): Promise<LeafCertificate> {
  const issuer = new x509.X509Certificate(ca.signingCertPem)
  const keys = existingKeys ?? (await generateKeyPair())
  const serial = randomSerial()
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: '',
    issuer: issuer.subject,
    notBefore: request.notBefore,
    notAfter: request.notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: request.uri }], true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return { certPem: cert.toString('pem'), keys, serial }
}

/** SHA-256 of the DER, as openssl and browsers show it (AA:BB:...). */
export function fingerprintOf(pem: string): string {
  const der = x509.PemConverter.decode(pem)[0]
  if (!der) throw new Error('no certificate in PEM')
  const hex = createHash('sha256').update(new Uint8Array(der)).digest('hex').toUpperCase()
  return hex.match(/../g)!.join(':')
}
