import { execFileSync } from 'node:child_process'
import { closeSync, constants, existsSync, mkdirSync, openSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { maxMeshFileBytes, maxYamlAliasExpansions, type MeshSnapshot } from '../../src/main/mesh'
import { MeshYamlParser, startDirectorySource } from '../../src/main/mesh/io'
import type { MeshSecurity } from '../../src/main/xds'
import { startControlPlane, type ControlPlane } from '../../src/main/xds/io'
import { reviewsSplitYaml, reviewsTwoVersionsYaml, serviceEntryYaml, toYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// Files in the mesh folder that once froze the control plane: an alias bomb, a FIFO, a huge file.
// Each must come out as a problem with its file (and line) while the rest of the folder serves.
let meshDir: MeshDir
let cp: ControlPlane | undefined
const cleanups: (() => void)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await cp?.dispose()
  cp = undefined
  await meshDir?.dispose()
})

/** "Billion laughs": ten levels of nine aliases each, 10^9 strings if expanded. */
function aliasBomb(): string {
  let text = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: bomb, namespace: demo }\nspec:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
  for (let i = 1; i < 10; i++) text += `  l${i}: &l${i} [${Array.from({ length: 9 }, () => `*l${i - 1}`).join(', ')}]\n`
  return text
}

const vsWeight = (plane: ControlPlane): number | undefined => plane.snapshot().virtualServices.find((v) => v.name === 'reviews')?.spec.http?.[0]?.route?.[0]?.weight

async function startWithReviews(v1Weight = 80): Promise<ControlPlane> {
  meshDir = await createMeshDir()
  await meshDir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: 1001, v2: 1002 }))
  await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(v1Weight))
  // A long debounce: each step below is read by refresh(), as canary.apply does after a write.
  cp = await startControlPlane({ meshDir: meshDir.dir, debounceMs: 60_000 })
  expect(cp.status().problems).toEqual([])
  expect(vsWeight(cp)).toBe(v1Weight)
  return cp
}

/** Fails the test instead of hanging it when a reload never finishes. */
async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)))
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

describe('mesh folder files that cannot freeze the control plane', () => {
  it('reports an alias bomb with its file, line and the alias limit, and serves the rest of the folder', async () => {
    const plane = await startWithReviews()
    const fine = toYaml([serviceEntryYaml({ name: 'fine', host: 'fine.demo', port: 1 })])
    await meshDir.writeText('bomb.yaml', `${fine}---\n${aliasBomb()}`)
    await within(10_000, 'the reload', plane.refresh())
    const problem = plane.status().problems.find((p) => p.file === 'bomb.yaml')
    // The bomb's document starts on the line after the `---`.
    const bombLine = fine.split('\n').length + 1
    expect(problem).toMatchObject({ severity: 'error', file: 'bomb.yaml', line: bombLine })
    expect(problem?.message).toContain(`${maxYamlAliasExpansions}`)
    expect(problem?.hint).toMatch(/alias/)
    // The other document of that file, and the other files, still serve.
    expect(plane.snapshot().serviceEntries.map((s) => s.name).sort()).toEqual(['fine', 'reviews'])
    expect(vsWeight(plane)).toBe(80)
  })

  it('keeps reloading after the bomb: removing it and writing new weights serves them', async () => {
    const plane = await startWithReviews()
    await meshDir.writeText('bomb.yaml', aliasBomb())
    // Whatever this reload makes of the bomb, it must not stop the ones after it.
    await plane.refresh().catch(() => undefined)
    rmSync(join(meshDir.dir, 'bomb.yaml'))
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(30))
    await within(10_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(30)
    expect(plane.status().problems).toEqual([])
  })

  it('keeps serving when the folder itself cannot be read, and reads it again once it is back', async () => {
    const plane = await startWithReviews()
    rmSync(meshDir.dir, { recursive: true, force: true })
    await within(10_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(80)
    expect(plane.status().problems[0]).toMatchObject({ severity: 'error' })
    expect(plane.status().problems[0]?.message).toContain(meshDir.dir)
    // A failed reload never blocks the next one.
    mkdirSync(meshDir.dir)
    await meshDir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: 1001, v2: 1002 }))
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(10))
    await within(10_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(10)
    expect(plane.status().problems).toEqual([])
  })

  it('skips a FIFO named *.yaml with a problem; neither reloads nor stopping hang on it', async () => {
    const plane = await startWithReviews()
    const fifo = join(meshDir.dir, 'pipe.yaml')
    execFileSync('mkfifo', [fifo])
    // On a build that blocks in open(), a writer's open and close releases the stuck reader.
    cleanups.push(() => {
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK))
      } catch {
        // No reader waiting: nothing to release.
      }
    })
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(40))
    await within(5_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(40)
    const problem = plane.status().problems.find((p) => p.file === 'pipe.yaml')
    expect(problem?.message).toMatch(/FIFO.*not a regular file/)
    await within(5_000, 'stopping the control plane', Promise.resolve(plane.dispose()))
    cp = undefined
  })

  it('skips a socket, a device and a directory named *.yaml, each with a problem', async () => {
    const plane = await startWithReviews()
    const socketPath = join(meshDir.dir, 'socket.yaml')
    const server: Server = createServer()
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
    cleanups.push(() => server.close())
    symlinkSync('/dev/null', join(meshDir.dir, 'null.yaml'))
    mkdirSync(join(meshDir.dir, 'folder.yaml'))
    await within(5_000, 'the reload', plane.refresh())
    const messages = Object.fromEntries(plane.status().problems.map((p) => [p.file, p.message]))
    expect(messages['socket.yaml']).toMatch(/socket.*not a regular file/)
    expect(messages['null.yaml']).toMatch(/device.*not a regular file/)
    expect(messages['folder.yaml']).toMatch(/directory.*not a regular file/)
    expect(vsWeight(plane)).toBe(80)
  })

  it('refuses a file over the size limit, naming the limit, and keeps the file’s last good objects', async () => {
    const plane = await startWithReviews()
    // The VirtualService grows past the limit with a comment: its last good version keeps serving.
    writeFileSync(join(meshDir.dir, 'reviews-vs.yaml'), `${toYaml(reviewsSplitYaml(50))}# ${'x'.repeat(maxMeshFileBytes)}\n`)
    await within(5_000, 'the reload', plane.refresh())
    const problem = plane.status().problems.find((p) => p.file === 'reviews-vs.yaml')
    expect(problem).toMatchObject({ severity: 'error', line: 1 })
    expect(problem?.message).toContain(`${maxMeshFileBytes / 1024 / 1024} MB`)
    expect(problem?.hint).toMatch(/[Ss]plit/)
    expect(vsWeight(plane)).toBe(80)
  })

  it('never loads a leftover temp file of an interrupted atomic write as config', async () => {
    const plane = await startWithReviews()
    // What writeFileAtomic leaves when killed between write and rename.
    const temp = join(meshDir.dir, '.reviews-vs.yaml.0123456789ab.tmp')
    writeFileSync(temp, toYaml(reviewsSplitYaml(5)))
    const old = new Date(Date.now() - 3_600_000)
    utimesSync(temp, old, old)
    await within(5_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(80)
    expect(plane.status().problems).toEqual([])
  })
})

describe('a config version whose push fails', () => {
  it('is reported while the last good version serves, and the next change is served', async () => {
    meshDir = await createMeshDir()
    await meshDir.write('reviews.yaml', reviewsTwoVersionsYaml({ v1: 1001, v2: 1002 }))
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(80))
    const plaintext: MeshSecurity = { providerInstance: 'none', clientMtls: () => false, serverRequiresMtls: () => false }
    // The security side derives its decisions from each snapshot; here it fails on one of them.
    const security = (snapshot: MeshSnapshot): MeshSecurity => {
      if (snapshot.virtualServices.some((v) => v.spec.http?.[0]?.route?.[0]?.weight === 13)) throw new Error('the security side failed on this config')
      return plaintext
    }
    cp = await startControlPlane({ meshDir: meshDir.dir, debounceMs: 60_000, security })
    const plane = cp
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(13))
    await within(5_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(80)
    expect(plane.status().problems[0]?.message).toMatch(/could not be served: the security side failed on this config/)
    expect(plane.status().sourceVersion).toBeGreaterThan(plane.status().servedVersion)
    await meshDir.write('reviews-vs.yaml', reviewsSplitYaml(30))
    await within(5_000, 'the reload', plane.refresh())
    expect(vsWeight(plane)).toBe(30)
    expect(plane.status().problems).toEqual([])
  })
})

/** `count` valid ServiceEntries, one document each (about 290 bytes apiece). */
function serviceEntries(count: number): string {
  return Array.from({ length: count }, (_, n) => toYaml([serviceEntryYaml({ name: `s${n}`, host: `s${n}.demo.svc.cluster.local`, port: 9080 })])).join('---\n')
}

describe('big mesh files and the main thread', () => {
  it('reads a 1 MB file without stalling the event loop for 100 ms', async () => {
    meshDir = await createMeshDir()
    const source = await startDirectorySource({ dir: meshDir.dir, onChange: () => undefined, debounceMs: 60_000 })
    cleanups.push(() => void source.dispose())
    const text = serviceEntries(3600)
    expect(text.length).toBeGreaterThan(1024 * 1024)
    writeFileSync(join(meshDir.dir, 'big.yaml'), text)
    const delay = monitorEventLoopDelay({ resolution: 10 })
    delay.enable()
    await within(60_000, 'the reload', source.refresh())
    // A stall at the very end is recorded only once the loop turns again.
    await new Promise((resolve) => setTimeout(resolve, 50))
    delay.disable()
    expect(source.current().snapshot.serviceEntries).toHaveLength(3600)
    // Parsing this inline stalls the loop for about a second; in the worker, tens of ms.
    expect(delay.max / 1e6).toBeLessThan(100)
  })

  it('parses in the built worker entry (out/main/mesh-parse-worker.js) as the built app does', async () => {
    // The app's shared code sits in out/main/chunks; the entry is found one level up, as in the build.
    const builtChunks = join(__dirname, '..', '..', 'out', 'main', 'chunks')
    expect(existsSync(join(builtChunks, '..', 'mesh-parse-worker.js')), 'run `npm run build` first').toBe(true)
    const parser = new MeshYamlParser({ dir: builtChunks, inlineChars: 0 })
    cleanups.push(() => parser.dispose())
    const parsed = await within(30_000, 'the parse', parser.parse(serviceEntries(50), 'built.yaml'))
    expect(parsed.problems).toEqual([])
    expect(parsed.objects).toHaveLength(50)
  })

  it('parses on the main thread after all, and says why, when no worker can start', async () => {
    const parser = new MeshYamlParser({ dir: join(tmpdir(), 'meshdeck-no-such-build'), inlineChars: 0 })
    cleanups.push(() => parser.dispose())
    const parsed = await within(30_000, 'the parse', parser.parse(serviceEntries(50), 'orphan.yaml'))
    expect(parsed.objects).toHaveLength(50)
    expect(parsed.problems).toEqual([expect.objectContaining({ severity: 'warning', source: { file: 'orphan.yaml', line: 1 } })])
    expect(parsed.problems[0]?.message).toMatch(/parsed on the main thread.*parser worker could not start/)
  })

  it('gives up a parse that takes too long, naming the file and the time', async () => {
    const parser = new MeshYamlParser({ inlineChars: 0, timeoutMs: 1 })
    cleanups.push(() => parser.dispose())
    const parsed = await within(10_000, 'the parse', parser.parse(serviceEntries(3600), 'slow.yaml'))
    expect(parsed.objects).toEqual([])
    expect(parsed.problems).toEqual([expect.objectContaining({ severity: 'error', source: { file: 'slow.yaml', line: 1 } })])
    expect(parsed.problems[0]?.message).toMatch(/slow\.yaml took longer than 0\.001 s/)
  })
})
