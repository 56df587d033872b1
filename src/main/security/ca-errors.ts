import { MeshdeckError, type SecurityErrorCode as Code } from '@shared/contract'

/** Names for the CA's codes (declared in the contract's security table). */
export const SecurityErrorCode = {
  caUnreadable: 'ca_unreadable',
  caInsecure: 'ca_key_insecure',
  caExpired: 'ca_expired',
  caUpstreamInvalid: 'ca_upstream_invalid',
} as const satisfies Record<string, Code>

/**
 * The CA holds every workload's identity. When its files are damaged Meshdeck stops and says so;
 * it never makes a new CA over them, because every certificate in the mesh would stop verifying.
 */
export function caFileError(file: string, problem: string, caDir: string): MeshdeckError {
  return new MeshdeckError(
    SecurityErrorCode.caUnreadable,
    `The mesh CA file ${file} ${problem}.`,
    `Restore ${caDir} from a backup (or fix the file's owner and permissions). Meshdeck will not replace the CA by itself, because every workload identity would change; to start over on purpose, move ${caDir} away and restart Meshdeck.`,
  )
}

export function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'is missing'
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)'
  if (code === 'EISDIR') return 'is a folder, not a file'
  return `cannot be read (${err instanceof Error ? err.message : String(err)})`
}
