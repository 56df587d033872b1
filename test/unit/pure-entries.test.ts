import { readdirSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { afterAll, describe, expect, it } from 'vitest'
import { place, root, scheme } from '../../lint/layers.mjs'
import { moduleGraph, packageOf, stopModuleGraph } from '../../scripts/lib/module-graph'

/*
 * Lint checks each import as written; this checks what loading a pure entry really loads, after
 * type-only imports are erased (scripts/module-graph.ts prints the same for any entry). A pure
 * entry that pulls in node:https or a config source, however indirectly, fails here.
 */

const pureFolders = readdirSync(`${root}/src/main`, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !scheme.ioOnly.includes(d.name) && !scheme.toolboxes.includes(d.name))
  .map((d) => d.name)

const entries = [
  ...pureFolders.map((folder) => `src/main/${folder}/index.ts`),
  'src/shared/contract/index.ts',
  // The pure cores issue 16 names: translation, validation, the rollout machine, topology
  // building, weights, trace assembly, analysis, policy.
  'src/main/xds/translate/index.ts',
  'src/main/mesh/validate.ts',
  'src/main/canary/rollout-machine.ts',
  'src/main/canary/analysis.ts',
  'src/main/telemetry/build-topology.ts',
  'src/shared/canary/weights.ts',
  'src/main/traces/store/span-store.ts',
  'src/main/security/policy/index.ts',
]

const ioPackage = (name: string): boolean => scheme.ioPackages.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p))

describe('pure entries load no I/O at runtime', () => {
  afterAll(stopModuleGraph)

  it('finds the folders to check', () => {
    expect(pureFolders).toEqual(expect.arrayContaining(['api', 'canary', 'cluster', 'demo', 'mesh', 'security', 'telemetry', 'traces', 'xds']))
  })

  it.each(entries)('%s loads no Node built-in, no I/O package and no io/ module', async (entry) => {
    const graph = await moduleGraph(entry)
    expect(graph.modules).toContain(entry)
    const io = graph.externals.filter((specifier) => !scheme.pureSubpaths.includes(specifier) && (isBuiltin(specifier) || ioPackage(packageOf(specifier))))
    expect(io, `${entry} loads these at runtime`).toEqual([])
    expect(graph.modules.filter((module) => !place(module).pure), `${entry} loads these I/O modules`).toEqual([])
  })

  it('xds/translate loads only mesh, model, xds and lib modules (it was 65 modules with the sources and node:https)', async () => {
    const graph = await moduleGraph('src/main/xds/translate/index.ts')
    expect(graph.modules.filter((m) => !/^src\/(main\/(mesh|model|xds|lib)|shared)\//.test(m))).toEqual([])
    expect(graph.externals).toEqual(['re2js', 'yaml'])
  })
})

describe('entry points load only what their process has', () => {
  afterAll(stopModuleGraph)

  it.each(['src/cli/meshdeck.ts', 'src/main/app/index.ts'])('%s (headless: plain Node, no Electron binary) never loads electron', async (entry) => {
    const graph = await moduleGraph(entry)
    expect(graph.externals.filter((specifier) => packageOf(specifier) === 'electron')).toEqual([])
  })

  it('the Electron entry does (its window and IPC transport)', async () => {
    expect((await moduleGraph('src/main/index.ts')).externals).toContain('electron')
  })
})

