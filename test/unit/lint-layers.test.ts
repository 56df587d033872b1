import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/*
 * The layers (lint/layers.mjs, docs/ARCHITECTURE.md) hold only while `npm run lint` fails on a
 * break. Each case plants one break in a file of the real tree, with the project's own ESLint
 * config, and checks the error a person would read.
 */

const root = resolve(import.meta.dirname, '../..')
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: root })
})

async function lint(path: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) })
  return (result?.messages ?? []).map((m) => ({ rule: m.ruleId, message: m.message }))
}

describe('lint keeps the layers', () => {
  it('refuses a Node built-in in pure code', async () => {
    expect(await lint('src/main/xds/translate/planted.ts', "import { readFileSync } from 'node:fs'\nexport const read = readFileSync\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message: "pure code (src/main/xds/translate/planted.ts) may not import the Node built-in 'node:fs'. Move the I/O into an io/ folder, or take what it computes as a parameter.",
      },
    ])
    // The bare name is the same module.
    expect((await lint('src/main/mesh/planted.ts', "import { join } from 'path'\nexport const j = join\n"))[0]?.message).toContain("the Node built-in 'path'")
  })

  it('refuses an I/O client library in pure code, even for a type', async () => {
    expect(await lint('src/main/mesh/planted.ts', "import type { KubeConfig } from '@kubernetes/client-node'\nexport type K = KubeConfig\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message: "pure code (src/main/mesh/planted.ts) may not import '@kubernetes/client-node', a package that does I/O. Move this code into an io/ folder.",
      },
    ])
    expect((await lint('src/main/canary/planted.ts', "import { Server } from '@grpc/grpc-js'\nexport const s = Server\n"))[0]?.message).toContain("'@grpc/grpc-js', a package that does I/O")
  })

  it("refuses a pure file importing its own folder's io/ or another folder's I/O entry", async () => {
    expect(await lint('src/main/mesh/planted.ts', "import { startDirectorySource } from './io'\nexport const start = startDirectorySource\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message:
          'pure code (src/main/mesh/planted.ts) may not import src/main/mesh/io/index.ts, which does I/O. Move the shared part (often a type) into a pure file, or this file into src/main/mesh/io/.',
      },
    ])
    expect(await lint('src/main/canary/planted.ts', "import type { KubeClient } from '../cluster/io'\nexport type C = KubeClient\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message:
          'pure code (src/main/canary/planted.ts) may not import src/main/cluster/io/index.ts, which does I/O. Move the shared part (often a type) into a pure file, or this file into src/main/canary/io/.',
      },
    ])
  })

  it("refuses reaching into another folder past its entry", async () => {
    expect(await lint('src/main/xds/io/planted.ts', "import { parseMeshYaml } from '../../mesh/parse-yaml'\nexport const parse = parseMeshYaml\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message:
          'Import mesh through its entry, src/main/mesh/index.ts (pure) or src/main/mesh/io/index.ts (I/O), not src/main/mesh/parse-yaml.ts. Export what you need from the entry.',
      },
    ])
  })

  it('refuses an import against the layer order (the security/xds cycle cannot come back)', async () => {
    expect(await lint('src/main/xds/translate/planted.ts', "import type { PolicyWorkload } from '../../security'\nexport type W = PolicyWorkload\n")).toEqual([
      {
        rule: 'meshdeck/layers',
        message:
          "'xds' may not import 'security': 'security' comes after it in the layer order (lint/layers.mjs). Move what both need down, or let the composition root pass it in.",
      },
    ])
  })

  it('asks for a new folder to be placed in the layer order', async () => {
    expect(await lint('src/main/prometheus/planted.ts', "import { emptySnapshot } from '../mesh'\nexport const s = emptySnapshot\n")).toEqual([
      { rule: 'meshdeck/layers', message: 'src/main/prometheus is not in the layer order; add it to `layers` in lint/layers.mjs where it belongs.' },
    ])
  })

  it('keeps the contract and the renderer on their side', async () => {
    expect(await lint('src/shared/planted.ts', "import { emptySnapshot } from '../main/mesh'\nexport const s = emptySnapshot\n")).toEqual([
      { rule: 'meshdeck/layers', message: 'src/shared is the contract every process imports; it may not import src/main/mesh/index.ts.' },
    ])
    expect(await lint('src/renderer/src/planted.ts', "import { emptySnapshot } from '../../main/mesh'\nexport const s = emptySnapshot\n")).toEqual([
      { rule: 'meshdeck/layers', message: 'The renderer talks to main only through the API contract (src/shared); it may not import src/main/mesh/index.ts.' },
    ])
  })

  it('refuses timers and process in pure code', async () => {
    expect(await lint('src/main/canary/planted.ts', 'export const later = (f: () => void): unknown => setTimeout(f, 10)\n')).toEqual([
      { rule: 'no-restricted-globals', message: "Unexpected use of 'setTimeout'. Pure code does not use setTimeout; move this into an io/ folder or take it as a parameter." },
    ])
  })

  it('lets the allowed directions through', async () => {
    // I/O code uses lower folders' pure and I/O entries, and lib's modules one by one.
    const io = [
      "import { emptySnapshot } from '../../mesh'",
      "import { startDirectorySource } from '../../mesh/io'",
      "import { KubeClient } from '../../cluster/io'",
      "import { writeFileAtomic } from '../../lib/io/atomic-write'",
      "import { readFileSync } from 'node:fs'",
      "import { Server } from '@grpc/grpc-js'",
      'export const all = [emptySnapshot, startDirectorySource, KubeClient, writeFileAtomic, readFileSync, Server, setTimeout]',
    ].join('\n')
    expect(await lint('src/main/xds/io/planted.ts', `${io}\n`)).toEqual([])
    // Pure code uses lower folders' pure entries, its own pure files, lib's pure modules and pure packages.
    const pure = [
      "import { emptySnapshot } from '../../mesh'",
      "import { typeUrls } from '../resource-types'",
      "import { isIP } from '../../lib/ip-address'",
      "import { parse } from 'yaml'",
      "import { MeshdeckError } from '@shared/contract'",
      'export const all = [emptySnapshot, typeUrls, isIP, parse, MeshdeckError]',
    ].join('\n')
    expect(await lint('src/main/xds/translate/planted.ts', `${pure}\n`)).toEqual([])
  })
})
