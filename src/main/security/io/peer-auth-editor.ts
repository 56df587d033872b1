import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { lineDiff } from '@shared/canary/line-diff'
import { MeshdeckError, type PeerAuthMode, type PeerAuthTarget } from '@shared/contract'
import type { peerAuthApplyResultSchema, peerAuthPreviewSchema } from '@shared/contract/security'
import type { z } from 'zod'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { parseMeshYaml, type MeshSnapshot } from '../../mesh'
import { findPeerAuthentication, newPeerAuthentication, setPeerAuthMode } from '../peer-auth-edit'

type Preview = z.infer<typeof peerAuthPreviewSchema>
type ApplyResult = z.infer<typeof peerAuthApplyResultSchema>

const version = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

/**
 * mTLS mode edits on the local mesh folder, the way the canary editor edits weights: preview as a
 * diff, validate the whole file, write atomically. The folder is watched, so a write is one push.
 */
export class PeerAuthEditor {
  constructor(
    private readonly snapshot: () => MeshSnapshot | null,
    /** The mesh folder, or null when the control plane serves a cluster (edit there). */
    private readonly meshDir: () => string | null,
  ) {}

  async preview(target: PeerAuthTarget, mode: PeerAuthMode): Promise<Preview> {
    const plan = this.plan(target)
    const current = await this.read(plan.file)
    const proposed = setPeerAuthMode(current, { name: plan.name, namespace: target.namespace }, target, mode)
    return { file: plan.file, name: plan.name, currentMode: plan.currentMode, diff: lineDiff(current ?? '', proposed), baseVersion: version(current ?? '') }
  }

  async apply(target: PeerAuthTarget, mode: PeerAuthMode, baseVersion?: string): Promise<ApplyResult> {
    const plan = this.plan(target)
    const current = await this.read(plan.file)
    const now = version(current ?? '')
    if (baseVersion !== undefined && baseVersion !== now) {
      return { outcome: 'conflict', message: `${plan.file} changed since you previewed it; nothing was written. Preview again.`, version: now }
    }
    const proposed = setPeerAuthMode(current, { name: plan.name, namespace: target.namespace }, target, mode)
    const parsed = parseMeshYaml(proposed, plan.file)
    const error = parsed.problems.find((p) => p.severity === 'error')
    if (error) throw new MeshdeckError('peer_auth_invalid_result', `The edited file would not load: ${error.message}`, 'Nothing was written; fix the file by hand.')
    await writeFileAtomic(plan.file, proposed)
    return { outcome: 'applied', file: plan.file, version: version(proposed) }
  }

  private plan(target: PeerAuthTarget): { file: string; name: string; currentMode: string | null } {
    const dir = this.meshDir()
    const snapshot = this.snapshot()
    if (!dir || !snapshot) {
      throw new MeshdeckError('peer_auth_not_editable', 'The control plane is not serving a local mesh folder.', 'Start Meshdeck with --mesh-dir DIR or --demo; on a cluster, edit the PeerAuthentication with kubectl.')
    }
    if (target.app !== undefined && !snapshot.workloadEntries.some((w) => w.namespace === target.namespace && w.spec.labels?.['app'] === target.app)) {
      throw new MeshdeckError('peer_auth_unknown_workload', `No workload with app=${target.app} in ${target.namespace}.`, 'Pick a workload listed on the Security page.')
    }
    const existing = findPeerAuthentication(snapshot, target)
    if (existing && !existing.source) {
      throw new MeshdeckError('peer_auth_not_editable', `PeerAuthentication ${existing.namespace}/${existing.name} does not come from a file.`, 'Edit it where it is defined.')
    }
    if (existing?.source) {
      const file = isAbsolute(existing.source.file) ? existing.source.file : resolve(dir, existing.source.file)
      return { file, name: existing.name, currentMode: existing.spec.mtls?.mode ?? null }
    }
    const fresh = newPeerAuthentication(target)
    return { file: join(dir, fresh.file), name: fresh.name, currentMode: null }
  }

  private async read(file: string): Promise<string | null> {
    try {
      return await fs.readFile(file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }
}
