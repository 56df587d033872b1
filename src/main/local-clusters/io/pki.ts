// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata
// API loaded before the library.
import 'reflect-metadata'
import { randomBytes, webcrypto } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import * as x509 from '@peculiar/x509'
import { writeFileAtomic } from '../../lib/io/atomic-write'

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
const subtle = webcrypto.subtle
type CryptoKey = webcrypto.CryptoKey
interface KeyPair {
  privateKey: CryptoKey
  publicKey: CryptoKey
}

/** ECDSA P-256 everywhere: kube-apiserver, etcd and client-go all take it, and it is fast to make. */
const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256' } as const
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const
const day = 24 * 60 * 60 * 1000
/** Certificates are backdated a little so a clock that is slightly behind still accepts them. */
const skewMs = 5 * 60 * 1000

/** The files of a Docker-free cluster's PKI (all PEM; keys mode 0600). */
export interface ProcessClusterPki {
  caCert: string
  caKey: string
  servingCert: string
  servingKey: string
  adminCert: string
  adminKey: string
  serviceAccountKey: string
  serviceAccountPub: string
}

export function pkiFiles(dir: string): ProcessClusterPki {
  const p = (name: string): string => join(dir, name)
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    servingCert: p('apiserver.crt'),
    servingKey: p('apiserver.key'),
    adminCert: p('admin.crt'),
    adminKey: p('admin.key'),
    serviceAccountKey: p('sa.key'),
    serviceAccountPub: p('sa.pub'),
  }
}

async function keyPair(): Promise<KeyPair> {
  return (await subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as KeyPair
}

async function privatePem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY')
}

async function publicPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('spki', key), 'PUBLIC KEY')
}

async function importPrivate(pem: string): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', x509.PemConverter.decode(pem)[0] as ArrayBuffer, keyAlgorithm, true, ['sign'])
}

function serial(): string {
  // Positive, 16 bytes: the first bit cleared so DER does not read it as negative.
  const bytes = randomBytes(16)
  bytes[0] = (bytes[0] as number) & 0x7f
  return bytes.toString('hex')
}

/**
 * A new cluster's CA (10 years, as kubeadm makes them) and service-account key pair, then its
 * leaf certificates. Node's WebCrypto and @peculiar/x509: no openssl needed on the machine.
 */
export async function createPki(dir: string, clusterName: string, now = new Date()): Promise<ProcessClusterPki> {
  const files = pkiFiles(dir)
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  const ca = await keyPair()
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=meshdeck-${clusterName}-ca`,
    notBefore: new Date(now.getTime() - skewMs),
    notAfter: new Date(now.getTime() + 3650 * day),
    keys: ca,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(ca.publicKey),
    ],
  })
  await writeFileAtomic(files.caCert, caCert.toString('pem'))
  await writeFileAtomic(files.caKey, await privatePem(ca.privateKey), 0o600)
  const sa = await keyPair()
  await writeFileAtomic(files.serviceAccountKey, await privatePem(sa.privateKey), 0o600)
  await writeFileAtomic(files.serviceAccountPub, await publicPem(sa.publicKey))
  await issueLeafCertificates(files, now)
  return files
}

/**
 * The apiserver's serving certificate and the admin client certificate, a year each, signed by the
 * cluster's CA. Issued again at every start, so a cluster left for months still starts.
 */
export async function issueLeafCertificates(files: ProcessClusterPki, now = new Date()): Promise<void> {
  const caCert = new x509.X509Certificate(await fs.readFile(files.caCert, 'utf8'))
  const caKey = await importPrivate(await fs.readFile(files.caKey, 'utf8'))
  const leaf = async (subject: string, extensions: x509.Extension[], certPath: string, keyPath: string): Promise<void> => {
    const keys = await keyPair()
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - skewMs),
      notAfter: new Date(now.getTime() + 365 * day),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
        ...extensions,
      ],
    })
    await writeFileAtomic(keyPath, await privatePem(keys.privateKey), 0o600)
    await writeFileAtomic(certPath, cert.toString('pem'))
  }
  await leaf(
    'CN=kube-apiserver',
    [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
        { type: 'dns', value: 'kubernetes' },
        { type: 'dns', value: 'kubernetes.default' },
        { type: 'dns', value: 'kubernetes.default.svc' },
        { type: 'dns', value: 'kubernetes.default.svc.cluster.local' },
        // The `kubernetes` Service's ClusterIP: the first address of --service-cluster-ip-range.
        { type: 'ip', value: '10.96.0.1' },
      ]),
    ],
    files.servingCert,
    files.servingKey,
  )
  // system:masters: the person who made the cluster owns it, as kind's admin kubeconfig does.
  await leaf('CN=meshdeck-admin, O=system:masters', [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])], files.adminCert, files.adminKey)
}
