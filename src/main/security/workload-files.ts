import { join } from 'node:path'
import { MeshdeckError } from '@shared/contract'
import { writeFileAtomic } from '../lib/atomic-write'
import type { IssuedCertificate } from './certificate-authority'
import { checkIdentity, type WorkloadIdentity } from './spiffe'

/** A workload that needs a certificate: its identity, and a name for its folder (default: the service account). */
export interface WorkloadRef extends WorkloadIdentity {
  name?: string
}

export interface WorkloadCertificateFiles {
  dir: string
  certificateFile: string
  privateKeyFile: string
  caCertificateFile: string
}

export function workloadKey(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.name ?? ref.serviceAccount}`
}

/** <base>/<namespace>/<workload>/{cert-chain.pem,key.pem,root-cert.pem}: Istio's file names. */
export function workloadCertificateFiles(baseDir: string, ref: WorkloadRef): WorkloadCertificateFiles {
  checkIdentity(ref)
  const name = ref.name ?? ref.serviceAccount
  // The name becomes a folder: Kubernetes' name rule also keeps it from escaping baseDir.
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name) || name.includes('..')) {
    throw new MeshdeckError(
      'invalid_identity',
      `workload name "${name}" is not a valid Kubernetes name.`,
      'Use lowercase letters, digits, dashes and dots, starting and ending with a letter or digit.',
    )
  }
  const dir = join(baseDir, ref.namespace, name)
  return {
    dir,
    certificateFile: join(dir, 'cert-chain.pem'),
    privateKeyFile: join(dir, 'key.pem'),
    caCertificateFile: join(dir, 'root-cert.pem'),
  }
}

/**
 * Each file is replaced atomically; the trust bundle first, so a new peer certificate is already
 * trusted. gRPC's file watcher reads key and certificate as two files, so a reader landing
 * between two writes would see a mismatched pair and (grpc-js) refuse new connections until its
 * next refresh. Renewals therefore certify the same key again and rewrite only the certificate;
 * the key is written only when it is new (`keyChanged`), before any certificate for it.
 */
export async function writeWorkloadCertificate(
  files: WorkloadCertificateFiles,
  issued: IssuedCertificate,
  keyChanged = true,
): Promise<void> {
  await writeFileAtomic(files.caCertificateFile, issued.trustBundlePem, 0o644)
  if (keyChanged) await writeFileAtomic(files.privateKeyFile, issued.keyPem, 0o600)
  await writeFileAtomic(files.certificateFile, issued.certChainPem, 0o644)
}
