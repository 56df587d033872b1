import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Files of one test cluster's PKI, generated fresh per run with the openssl CLI. */
export interface ClusterPki {
  caCert: string
  caKey: string
  servingCert: string
  servingKey: string
  serviceAccountKey: string
  serviceAccountPub: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

export function generatePki(dir: string): ClusterPki {
  const p = (name: string): string => join(dir, name)
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=meshdeck-test-ca'], dir)
  writeFileSync(p('serving.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n')
  issue(dir, 'serving', '/CN=kube-apiserver', p('serving.ext'))
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', p('sa.key')], dir)
  openssl(['pkey', '-in', p('sa.key'), '-pubout', '-out', p('sa.pub')], dir)
  for (const key of ['ca.key', 'serving.key', 'sa.key']) chmodSync(p(key), 0o600)
  return {
    caCert: p('ca.crt'),
    caKey: p('ca.key'),
    servingCert: p('serving.crt'),
    servingKey: p('serving.key'),
    serviceAccountKey: p('sa.key'),
    serviceAccountPub: p('sa.pub'),
  }
}

/** A client certificate signed by the cluster CA: CN is the user name, O entries are groups. */
export function issueClientCert(dir: string, name: string, user: string, groups: string[] = []): { cert: string; key: string } {
  const subject = `/CN=${user}${groups.map((g) => `/O=${g}`).join('')}`
  const ext = join(dir, `${name}.ext`)
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\n')
  issue(dir, name, subject, ext)
  chmodSync(join(dir, `${name}.key`), 0o600)
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }
}

function issue(dir: string, name: string, subject: string, extFile: string): void {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir)
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', extFile], dir)
}

export function randomToken(): string {
  return randomBytes(24).toString('hex')
}
