import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'

// MESHDECK_HOME holds the CA key and workload keys; writes there are atomic (temp file + rename).
const root = mkdtempSync(join(tmpdir(), 'meshdeck-home-test-'))
const kubeconfig = join(root, 'kubeconfig')
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
let meshdeck: Meshdeck | undefined
const savedHome = process.env.MESHDECK_HOME

afterEach(async () => {
  await meshdeck?.dispose()
  meshdeck = undefined
  if (savedHome === undefined) delete process.env.MESHDECK_HOME
  else process.env.MESHDECK_HOME = savedHome
  vi.restoreAllMocks()
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const modeOf = (path: string): number => statSync(path).mode & 0o777
const hourAgo = new Date(Date.now() - 3_600_000)

function leftover(path: string, age: Date | null = hourAgo): string {
  writeFileSync(path, 'half of something')
  if (age) utimesSync(path, age, age)
  return path
}

describe('the Meshdeck data folder', () => {
  it('is created private (0700) where MESHDECK_HOME points', async () => {
    const home = join(root, 'fresh', 'meshdeck')
    process.env.MESHDECK_HOME = home
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, tracesPort: 0 })
    expect(meshdeck.info.dataDir).toBe(home)
    expect(modeOf(home)).toBe(0o700)
  })

  it('is tightened to 0700 when it exists open to others, and says so', async () => {
    const home = join(root, 'loose')
    mkdirSync(home)
    chmodSync(home, 0o755)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: home, tracesPort: 0 })
    expect(modeOf(home)).toBe(0o700)
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/was open to others \(mode 0755\); it is now 0700/))
  })

  it('is refused when another user owns it and others may write to it', async () => {
    let foreign = '/tmp' // root's, world-writable: never ours unless we are root
    if (process.getuid?.() === 0) {
      foreign = join(root, 'foreign')
      mkdirSync(foreign)
      chownSync(foreign, 65534, 65534)
      chmodSync(foreign, 0o777)
    }
    const before = modeOf(foreign)
    await expect(createMeshdeck({ mode: 'web', kubeconfig, dataDir: foreign, tracesPort: 0 })).rejects.toMatchObject({ code: 'data_dir_unsafe', hint: expect.stringMatching(/MESHDECK_HOME/) })
    expect(modeOf(foreign)).toBe(before)
  })

  it('loses the temp files of interrupted writes at start, in the mesh folder and the folders Meshdeck writes', async () => {
    const home = join(root, 'interrupted')
    const meshDir = join(root, 'interrupted-mesh')
    for (const dir of ['rollouts', 'ca/gen-1', 'workload-certs/demo/reviews-v1']) mkdirSync(join(home, dir), { recursive: true })
    mkdirSync(meshDir)
    const stale = [
      leftover(join(home, 'rollouts', '.demo.reviews.0.json.0123456789ab.tmp')),
      leftover(join(home, 'ca', 'gen-1', '.ca-key.pem.abcdefabcdef.tmp')),
      leftover(join(home, 'workload-certs', 'demo', 'reviews-v1', '.key.pem.a1b2c3d4e5f6.tmp')),
      leftover(join(meshDir, '.reviews.yaml.00aa11bb22cc.tmp')),
    ]
    // A write in flight right now (another Meshdeck process), and files that merely look alike, stay.
    const kept = [
      leftover(join(home, 'rollouts', '.demo.reviews.1.json.fedcba987654.tmp'), null),
      leftover(join(home, 'rollouts', 'notes.tmp')),
      leftover(join(meshDir, '.reviews.yaml.swp')),
    ]
    meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: home, meshDir, xdsPort: 0, tracesPort: 0 })
    expect(stale.filter((path) => existsSync(path))).toEqual([])
    expect(kept.filter((path) => existsSync(path))).toEqual(kept)
  })
})
