import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LocalCanaryEditor } from '../../src/main/canary/io/canary-service'
import { startDirectorySource, type DirectorySource } from '../../src/main/mesh/io'

const meshYaml = `# reviews routing, written by hand
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: { name: reviews, namespace: demo }
spec:
  host: reviews.demo.svc
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }
  - { name: v3, labels: { version: v3 } }
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: { name: reviews, namespace: demo }
spec:
  hosts: [reviews.demo.svc]
  http:
  - name: default
    timeout: 3s   # kept as is
    route:
    - destination: { host: reviews.demo.svc, subset: v1 }
      weight: 80
    - destination: { host: reviews.demo.svc, subset: v2 }
      weight: 20
`

let dir: string
let file: string
let source: DirectorySource
let editor: LocalCanaryEditor
const target = { namespace: 'demo', name: 'reviews', route: { name: 'default' } }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'meshdeck-canary-'))
  file = join(dir, 'reviews.yaml')
  writeFileSync(file, meshYaml)
  source = await startDirectorySource({ dir, onChange: () => undefined, debounceMs: 20 })
  editor = new LocalCanaryEditor(() => source.current().snapshot, dir)
})
afterAll(async () => {
  await source?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('canary weights on the local mesh folder', () => {
  it('offers the reviews route with its three subsets and current weights', () => {
    const [reviews] = editor.targets()
    expect(reviews).toMatchObject({ label: 'reviews › default', host: 'reviews.demo.svc', subsets: ['v1', 'v2', 'v3'], file })
    expect(reviews?.destinations.map((d) => [d.key, d.weight])).toEqual([['v1', 80], ['v2', 20]])
  })

  it('previews exactly the weight lines that will change', async () => {
    const preview = await editor.preview(target, { v1: 50, v2: 30, v3: 20 })
    expect(preview.problems).toEqual([])
    const changed = preview.diff.filter((l) => l.kind !== 'same').map((l) => l.text.trim())
    // Only weights change, plus the lines of the v3 destination being brought in.
    for (const line of changed) expect(line).toMatch(/^(- )?(weight: \d+|destination:|host: reviews\.demo\.svc|subset: v3)$/)
    expect(changed).toEqual(expect.arrayContaining(['weight: 50', 'weight: 30', 'subset: v3']))
  })

  it.each([
    [{ v1: 80, v2: 19 }, 'add up to 99'],
    [{ v1: 110, v2: -10 }, 'outside 0–100'],
    [{ v1: Number.NaN, v2: 100 }, 'not a number'],
    [{ v1: 50, v9: 50 }, 'Unknown subset "v9"'],
  ])('rejects %j with a clear error and writes nothing', async (weights, message) => {
    const before = readFileSync(file, 'utf8')
    await expect(editor.apply(target, weights)).rejects.toThrow(message)
    expect(readFileSync(file, 'utf8')).toBe(before)
  })

  it('writes valid weights atomically and keeps every other field and comment', async () => {
    const preview = await editor.preview(target, { v1: 60, v2: 40 })
    const result = await editor.apply(target, { v1: 60, v2: 40 }, preview.baseVersion)
    expect(result.outcome).toBe('applied')
    const after = readFileSync(file, 'utf8')
    expect(after).toBe(meshYaml.replace('weight: 80', 'weight: 60').replace('weight: 20', 'weight: 40'))
  })

  it('returns a conflict with both versions when the file changed after the preview', async () => {
    const preview = await editor.preview(target, { v1: 10, v2: 90 })
    const theirs = readFileSync(file, 'utf8').replace('timeout: 3s', 'timeout: 5s')
    writeFileSync(file, theirs)
    const result = await editor.apply(target, { v1: 10, v2: 90 }, preview.baseVersion)
    expect(result.outcome).toBe('conflict')
    if (result.outcome !== 'conflict') return
    expect(result.current).toBe(theirs)
    expect(result.proposed).toContain('timeout: 5s')
    expect(result.proposed).toContain('weight: 90')
    expect(readFileSync(file, 'utf8')).toBe(theirs)
  })
})
