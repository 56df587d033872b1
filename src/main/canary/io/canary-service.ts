import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { relative, resolve } from 'node:path'
import { lineDiff } from '@shared/canary/line-diff'
import { weightProblems, type Weights } from '@shared/canary/weights'
import { MeshdeckError } from '@shared/contract'
import type { CanaryTarget, CanaryTargetRef } from '@shared/contract/canary'
import type { z } from 'zod'
import type { canaryApplyResultSchema, canaryPreviewSchema } from '@shared/contract/canary'
import { writeFileAtomic } from '../../lib/io/atomic-write'
import { parseMeshYaml, type MeshSnapshot } from '../../mesh'
import { findCanaryTarget, listCanaryTargets } from '../canary-targets'
import { setRouteWeights } from '../virtual-service-weights'

type Preview = z.infer<typeof canaryPreviewSchema>
type ApplyResult = z.infer<typeof canaryApplyResultSchema>

export const fileVersion = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

/**
 * Weight edits on the local mesh folder (the embedded default): validate, show the diff, write the
 * file atomically. The folder is watched by the config source, so a write becomes one push.
 */
export class LocalCanaryEditor {
  constructor(
    private readonly snapshot: () => MeshSnapshot,
    /** The mesh folder; objects carry file names relative to it. */
    private readonly meshDir: string,
  ) {}

  targets(): CanaryTarget[] {
    return listCanaryTargets(this.snapshot()).map((t) => ({ ...t, file: t.file === null ? null : resolve(this.meshDir, t.file) }))
  }

  async preview(ref: CanaryTargetRef, weights: Weights): Promise<Preview> {
    const target = this.require(ref)
    const problems = weightProblems(weights, allowedKeys(target))
    const current = await this.read(target)
    const proposed = problems.length === 0 ? this.rewrite(current, target, weights) : current
    return { diff: lineDiff(current, proposed), problems, baseVersion: fileVersion(current) }
  }

  async apply(ref: CanaryTargetRef, weights: Weights, baseVersion?: string): Promise<ApplyResult> {
    const target = this.require(ref)
    if (target.ownedBy) throw new MeshdeckError('owned_by_controller', `${target.label} is managed elsewhere: ${target.ownedBy}`, 'Meshdeck leaves it alone.')
    const problems = weightProblems(weights, allowedKeys(target))
    if (problems.length > 0) {
      throw new MeshdeckError('invalid_weights', problems.map((p) => p.message).join(' '), `${problems[0]!.hint} Nothing was written.`)
    }
    const current = await this.read(target)
    const proposed = this.rewrite(current, target, weights)
    const version = fileVersion(current)
    if (baseVersion !== undefined && baseVersion !== version) {
      return {
        outcome: 'conflict',
        message: `${target.file} changed since you previewed it; your weights were not written.`,
        current,
        proposed,
        version,
      }
    }
    // The whole file must still be valid mesh config before it replaces the old one.
    const parsed = parseMeshYaml(proposed, target.file!)
    if (parsed.problems.some((p) => p.severity === 'error')) {
      throw new MeshdeckError('invalid_result', `The edited file would not load: ${parsed.problems[0]!.message}`, 'Nothing was written; report this with the file.')
    }
    await writeFileAtomic(target.file!, proposed)
    return { outcome: 'applied', version: fileVersion(proposed) }
  }

  /**
   * What the target's file would hold with these weights (nothing is written): the mesh analysis
   * checks it before an Apply or a rollout. `file` is as the mesh folder names it (relative).
   */
  async proposal(ref: CanaryTargetRef, weights: Weights): Promise<{ file: string; current: string; proposed: string }> {
    const target = this.require(ref)
    const current = await this.read(target)
    return { file: relative(this.meshDir, target.file!), current, proposed: this.rewrite(current, target, weights) }
  }

  /** The file the target's VirtualService comes from, for messages. */
  fileOf(ref: CanaryTargetRef): string {
    return findCanaryTarget(this.targets(), ref)?.file ?? `The ${ref.name} VirtualService file`
  }

  private require(ref: CanaryTargetRef): CanaryTarget {
    const target = findCanaryTarget(this.targets(), ref)
    if (!target) {
      throw new MeshdeckError('unknown_target', `No splittable route ${ref.namespace}/${ref.name} ${JSON.stringify(ref.route)}.`, 'Reload the Canary page; the VirtualService may have changed.')
    }
    if (!target.file) throw new MeshdeckError('not_editable', `${target.label} does not come from a file Meshdeck can edit.`, 'Edit it where it is defined.')
    return target
  }

  private async read(target: CanaryTarget): Promise<string> {
    return fs.readFile(target.file!, 'utf8')
  }

  private rewrite(text: string, target: CanaryTarget, weights: Weights): string {
    return setRouteWeights(text, target.ref.route, weights, target.host, { name: target.ref.name, namespace: target.ref.namespace })
  }
}

function allowedKeys(target: CanaryTarget): string[] {
  return [...new Set([...target.subsets, ...target.destinations.map((d) => d.key)])]
}
