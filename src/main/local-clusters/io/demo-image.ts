import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type Docker from 'dockerode'
import { LocalClusterErrorCode, MeshdeckError } from '@shared/contract'
import { findResource } from './resources'

/**
 * Builds the demo workload image for the kind sandbox through the Engine API (resources/demo/
 * workload.Dockerfile: the built workload, its proto, npm dependencies from the lockfile). Tagged by
 * the built workload's hash, so a rebuilt Meshdeck gets a new image and an unchanged one reuses it.
 */
export async function buildDemoImage(docker: Docker, log: (line: string) => void): Promise<string> {
  const root = dirname(dirname(findResource('demo')))
  const workload = join(root, 'out', 'main', 'demo-workload.js')
  for (const needed of [workload, join(root, 'package-lock.json')]) {
    if (!existsSync(needed)) {
      throw new MeshdeckError(
        LocalClusterErrorCode.sandboxFailed,
        `The demo workload image is built from a Meshdeck checkout, and ${needed} is missing.`,
        'Run `npm ci && npm run build` in the checkout, then run the sandbox from it (`meshdeck cluster sandbox NAME --provider kind`).',
      )
    }
  }
  const tag = `meshdeck/demo-workload:${createHash('sha256').update(readFileSync(workload)).digest('hex').slice(0, 12)}`
  const present = await docker
    .getImage(tag)
    .inspect()
    .then(
      () => true,
      () => false,
    )
  if (present) {
    log(`image ${tag} is built already`)
    return tag
  }
  log(`building ${tag}`)
  const stream = await docker.buildImage(
    { context: root, src: ['resources/demo/workload.Dockerfile', 'package.json', 'package-lock.json', 'out/main', 'resources/demo'] },
    { t: tag, dockerfile: 'resources/demo/workload.Dockerfile' },
  )
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = output?.find((o) => o.error || o.errorDetail)
        if (err || failed) reject(new MeshdeckError(LocalClusterErrorCode.sandboxFailed, `Building ${tag} failed: ${err?.message ?? failed?.errorDetail?.message ?? failed?.error}`, 'The build log is in the operation output.'))
        else resolve()
      },
      (event: { stream?: string; status?: string }) => {
        const text = (event.stream ?? event.status ?? '').trim()
        if (text) log(text)
      },
    )
  })
  return tag
}

/** The kind network's IPv4 gateway: the host's address as kind's nodes (and their pods) reach it. */
export async function kindNetworkGateway(docker: Docker): Promise<string | null> {
  try {
    const network = (await docker.getNetwork('kind').inspect()) as { IPAM?: { Config?: { Gateway?: string }[] } }
    return network.IPAM?.Config?.map((c) => c.Gateway).find((g): g is string => !!g && !g.includes(':')) ?? null
  } catch {
    return null
  }
}
