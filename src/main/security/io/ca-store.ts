import { X509Certificate, createPrivateKey } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { MeshdeckError } from '@shared/contract'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import type { CaMaterial } from './ca-certificates'
import { SecurityErrorCode, caFileError, describeIoError } from '../ca-errors'
import { importPrivateKeyPem, privateKeyToPem } from './keys'

/*
 * Layout of <dataDir>/ca:
 *   ca.json              which generation signs now, the trust domain, roots still trusted
 *   gen-<n>/ca-cert.pem  the signing certificate
 *   gen-<n>/ca-key.pem   its private key (0600)
 *   gen-<n>/root-cert.pem, cert-chain.pem (signing cert .. root, Istio's cacerts names)
 * A generation is written completely before ca.json names it, so a crash mid-rotation leaves
 * the previous CA in force rather than a mix of two.
 */

const retiredRootSchema = z.object({ generation: z.string(), trustedUntil: z.string() })
const caMetaSchema = z.object({
  version: z.literal(1),
  trustDomain: z.string(),
  kind: z.enum(['self-signed', 'intermediate']),
  current: z.string().regex(/^gen-\d+$/),
  retiredRoots: z.array(retiredRootSchema),
})
export type CaMeta = z.infer<typeof caMetaSchema>
export type RetiredRoot = z.infer<typeof retiredRootSchema>

export interface StoredGeneration extends CaMaterial {
  name: string
  keyFile: string
  certFile: string
}

export interface StoredCa {
  meta: CaMeta
  current: StoredGeneration
  /** PEMs of earlier roots that stay in the trust bundle until their trustedUntil. */
  retiredRootPems: { pem: string; trustedUntil: Date }[]
}

export class CaStore {
  readonly metaFile: string

  constructor(readonly dir: string) {
    this.metaFile = join(dir, 'ca.json')
  }

  /** null when there is no CA yet; a MeshdeckError naming the file when there is one but it is damaged. */
  async load(): Promise<StoredCa | null> {
    let raw: string
    try {
      raw = await fs.readFile(this.metaFile, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await this.generationFolders()).length === 0) return null
      throw caFileError(this.metaFile, describeIoError(err), this.dir)
    }
    let meta: CaMeta
    try {
      meta = caMetaSchema.parse(JSON.parse(raw))
    } catch {
      throw caFileError(this.metaFile, 'is not a valid Meshdeck CA description (damaged JSON)', this.dir)
    }
    const current = await this.readGeneration(meta.current)
    const retiredRootPems: StoredCa['retiredRootPems'] = []
    for (const retired of meta.retiredRoots) {
      const file = join(this.dir, retired.generation, 'root-cert.pem')
      retiredRootPems.push({ pem: await this.readCert(file).then((c) => c.toString()), trustedUntil: new Date(retired.trustedUntil) })
    }
    return { meta, current, retiredRootPems }
  }

  /** Writes a generation's files, then (the commit point) ca.json naming it. */
  async commit(meta: Omit<CaMeta, 'current' | 'version'>, material: CaMaterial): Promise<StoredCa> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 })
    const name = await this.nextGenerationName()
    const genDir = join(this.dir, name)
    await fs.mkdir(genDir, { recursive: true, mode: 0o700 })
    await writeFileAtomic(join(genDir, 'ca-key.pem'), await privateKeyToPem(material.keys.privateKey), 0o600)
    await writeFileAtomic(join(genDir, 'ca-cert.pem'), material.signingCertPem, 0o644)
    await writeFileAtomic(join(genDir, 'root-cert.pem'), material.rootCertPem, 0o644)
    const chain = [material.signingCertPem, material.intermediatesPem, material.signingCertPem === material.rootCertPem ? '' : material.rootCertPem]
    await writeFileAtomic(join(genDir, 'cert-chain.pem'), chain.filter((p) => p !== '').map(ensureNewline).join(''), 0o644)
    const full: CaMeta = { version: 1, ...meta, current: name }
    await writeFileAtomic(this.metaFile, `${JSON.stringify(full, null, 2)}\n`, 0o644)
    const stored = await this.load()
    if (!stored) throw new Error('CA vanished right after it was written')
    return stored
  }

  /** Deletes generation folders no longer current nor trusted (their keys are of no further use). */
  async prune(meta: CaMeta): Promise<void> {
    const keep = new Set([meta.current, ...meta.retiredRoots.map((r) => r.generation)])
    for (const name of await this.generationFolders()) {
      if (!keep.has(name)) await fs.rm(join(this.dir, name), { recursive: true, force: true })
    }
  }

  private async generationFolders(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((name) => /^gen-\d+$/.test(name))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw caFileError(this.dir, describeIoError(err), this.dir)
    }
  }

  private async nextGenerationName(): Promise<string> {
    const numbers = (await this.generationFolders()).map((name) => Number(name.slice(4)))
    return `gen-${Math.max(0, ...numbers) + 1}`
  }

  private async readText(file: string): Promise<string> {
    try {
      return await fs.readFile(file, 'utf8')
    } catch (err) {
      throw caFileError(file, describeIoError(err), this.dir)
    }
  }

  private async readCert(file: string): Promise<X509Certificate> {
    const text = await this.readText(file)
    try {
      return new X509Certificate(text)
    } catch {
      throw caFileError(file, 'is not a valid PEM certificate (damaged or truncated)', this.dir)
    }
  }

  private async readGeneration(name: string): Promise<StoredGeneration> {
    const genDir = join(this.dir, name)
    const certFile = join(genDir, 'ca-cert.pem')
    const keyFile = join(genDir, 'ca-key.pem')
    const signing = await this.readCert(certFile)
    const root = await this.readCert(join(genDir, 'root-cert.pem'))
    const keyPem = await this.readText(keyFile)
    await this.checkKeyMode(keyFile)
    let keys
    try {
      keys = await importPrivateKeyPem(keyPem)
    } catch (err) {
      throw caFileError(keyFile, `is not a usable private key: ${err instanceof Error ? err.message : String(err)}`, this.dir)
    }
    if (!signing.checkPrivateKey(createPrivateKey(keyPem))) {
      throw caFileError(keyFile, `does not belong to the certificate in ${certFile}`, this.dir)
    }
    if (!signing.ca) throw caFileError(certFile, 'is not a CA certificate', this.dir)
    if (!signing.verify(root.publicKey)) {
      throw caFileError(certFile, `is not signed by the root in ${join(genDir, 'root-cert.pem')}`, this.dir)
    }
    return {
      name,
      certFile,
      keyFile,
      signingCertPem: signing.toString(),
      rootCertPem: root.toString(),
      keys,
      intermediatesPem: '',
    }
  }

  private async checkKeyMode(keyFile: string): Promise<void> {
    // POSIX permissions only; on Windows the folder's ACL is what protects the key.
    if (process.platform === 'win32') return
    const { mode } = await fs.stat(keyFile)
    if ((mode & 0o077) !== 0) {
      throw new MeshdeckError(
        SecurityErrorCode.caInsecure,
        `The mesh CA key ${keyFile} can be read by other users (mode ${(mode & 0o777).toString(8)}).`,
        `Run: chmod 600 ${keyFile}`,
      )
    }
  }
}

function ensureNewline(pem: string): string {
  return pem.endsWith('\n') ? pem : `${pem}\n`
}
