/*
 * Prints what an entry loads at runtime: its project modules and the packages and Node built-ins
 * they import (type-only imports erased). Pure entries should load no Node built-in and no I/O
 * package; test/unit/pure-entries.test.ts checks that.
 *
 *   npm run module-graph -- src/main/xds/translate/index.ts src/main/canary/rollout-machine.ts
 *   npm run module-graph -- --list src/main/mesh/index.ts     # every module, one a line
 */
import { moduleGraph, stopModuleGraph } from './lib/module-graph'

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  const list = args.includes('--list')
  const entries = args.filter((a) => a !== '--list')
  if (entries.length === 0) {
    console.error('usage: npm run module-graph -- [--list] ENTRY.ts...')
    process.exit(2)
  }
  for (const entry of entries) {
    const graph = await moduleGraph(entry)
    console.log(`${entry}: ${graph.modules.length} project modules; external imports: ${graph.externals.join(' ') || '(none)'}`)
    if (list) for (const module of graph.modules) console.log(`  ${module}`)
  }
  await stopModuleGraph()
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
