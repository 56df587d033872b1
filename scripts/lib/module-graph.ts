import { isBuiltin } from 'node:module'
import { resolve } from 'node:path'
import { build, stop } from 'esbuild'

export interface ModuleGraph {
  entry: string
  /** Project files (src/…) the entry loads at runtime, sorted; type-only imports are erased first. */
  modules: string[]
  /** Packages and Node built-ins those files import at runtime, sorted. */
  externals: string[]
}

const root = resolve(__dirname, '../..')

/**
 * What loading `entry` (a path under the project root) really loads: esbuild bundles it as the
 * build does (TypeScript with type-only imports erased, the @shared alias, every package left
 * external) and its metafile lists the inputs and the external imports.
 */
export async function moduleGraph(entry: string): Promise<ModuleGraph> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: 'module-graph.js',
    metafile: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    alias: { '@shared': resolve(root, 'src/shared') },
    packages: 'external',
  })
  const inputs = result.metafile.inputs
  const modules = Object.keys(inputs)
    .filter((path) => path.startsWith('src/'))
    .sort()
  // The bundle's own imports: what it requires when it runs (imports used only as types are gone).
  const externals = new Set<string>()
  for (const output of Object.values(result.metafile.outputs)) for (const imported of output.imports) if (imported.external) externals.add(imported.path)
  return { entry, modules, externals: [...externals].sort() }
}

/** A package's name from an import path: `@grpc/grpc-js/build/x` → `@grpc/grpc-js`; built-ins as written. */
export function packageOf(specifier: string): string {
  if (isBuiltin(specifier)) return specifier
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/** Stops esbuild's helper process (a long-lived child), so a test or script can end cleanly. */
export async function stopModuleGraph(): Promise<void> {
  await stop()
}
