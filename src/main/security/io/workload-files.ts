import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { MeshdeckError } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import type { IssuedCertificate } from './certificate-authority'
import { importPrivateKeyPem, type KeyPair } from './keys'
import { checkIdentity, type WorkloadIdentity } from '../spiffe'
import type { WorkloadCertificateFiles } from '../bootstrap'

export type { WorkloadCertificateFiles }

/** A workload that needs a certificate: its identity, and a name for its folder (default: the service account). */
export interface WorkloadRef extends WorkloadIdentity {
  name?: string
}

export function workloadKey(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.name ?? ref.serviceAccount}`
}

/** Whether a workload name can be a folder (and a file) name: Kubernetes' name rule, which also keeps it from escaping its parent. */
export function isWorkloadName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name) && !name.includes('..')
}

export function checkWorkloadName(name: string): void {
  if (!isWorkloadName(name)) {
    throw new MeshdeckError(
      'invalid_identity',
      `workload name "${name}" is not a valid Kubernetes name.`,
      'Use lowercase letters, digits, dashes and dots, starting and ending with a letter or digit.',
    )
  }
}

/** <base>/<namespace>/<workload>/{cert-chain.pem,key.pem,root-cert.pem}: Istio's file names. */
export function workloadCertificateFiles(baseDir: string, ref: WorkloadRef): WorkloadCertificateFiles {
  checkIdentity(ref)
  const name = ref.name ?? ref.serviceAccount
  checkWorkloadName(name)
  return certificateFilesIn(join(baseDir, ref.namespace, name))
}

/** The same three files directly in a folder the user chose. */
export function certificateFilesIn(dir: string): WorkloadCertificateFiles {
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

/**
 * The key already in a workload's folder, so a new certificate certifies it and a running
 * workload never sees its key file change; null when there is none yet. A key others may read,
 * or one that is not an ECDSA P-256 key, is refused with the file named (never overwritten).
 */
export async function readWorkloadKey(files: WorkloadCertificateFiles): Promise<KeyPair | null> {
  const file = files.privateKeyFile
  let pem: string
  try {
    pem = await fs.readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new MeshdeckError(
      'workload_key_unusable',
      `Cannot read the workload key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`,
      'Fix the file’s owner and permissions, or delete it to get a new key.',
    )
  }
  // POSIX permissions only; on Windows the folder's ACL is what protects the key.
  const { mode } = await fs.stat(file)
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new MeshdeckError(
      'workload_key_insecure',
      `The workload key ${file} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
      `Run: chmod 600 ${file}`,
    )
  }
  try {
    return await importPrivateKeyPem(pem)
  } catch (err) {
    throw new MeshdeckError(
      'workload_key_unusable',
      `${file} is not a key Meshdeck can certify: ${err instanceof Error ? err.message : String(err)}.`,
      `Choose an empty folder for the certificates, or delete ${file} to get a new key.`,
    )
  }
}
