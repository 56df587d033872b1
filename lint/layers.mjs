/*
 * Meshdeck's layers, checked on every import (docs/ARCHITECTURE.md explains them).
 *
 * - Every folder of src/main is one domain. Its top level is pure: no Node built-ins, no I/O
 *   client library, no timers, nothing from an `io/` folder. Its I/O (files, network, processes,
 *   timers, services with a lifetime) lives in its `io/` subfolder.
 * - Folders enter each other only through an entry: `<folder>/index.ts` (pure) or
 *   `<folder>/io/index.ts` (I/O). Inside a folder, files import each other freely.
 * - Folders sit in one order (`layers` below); a folder imports only folders before it, so
 *   dependencies point one way and no cycle can form.
 * - src/shared (the contract) is pure and imports nothing outside itself; the renderer imports
 *   only src/shared; src/main/index.ts, src/cli and src/preload are entry points on top.
 *
 * One small rule rather than a plugin: it knows this scheme, resolves the `@shared` alias without
 * a resolver, and names the fix in each message. VS Code checks its layers the same way.
 */
import { existsSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

export const scheme = {
  /** src/main's folders, lowest first: each may import only the folders before it. */
  layers: ['lib', 'model', 'api', 'traces', 'cluster', 'mesh', 'xds', 'security', 'analysis', 'telemetry', 'canary', 'demo', 'local-clusters', 'monitoring', 'window', 'app'],
  /** Folders that are all I/O: the composition root and the Electron window. Their entry is index.ts. */
  ioOnly: ['app', 'window'],
  /** Folders of small independent helpers, imported module by module rather than through an index. */
  toolboxes: ['lib'],
  /** Packages that do I/O (besides every Node built-in); pure code and src/shared may not import them. */
  ioPackages: ['electron', '@kubernetes/client-node', '@grpc/*', 'ws', 'dockerode', '@opentelemetry/*', 'protobufjs', '@peculiar/x509', 'reflect-metadata', 'prom-client'],
  /** Entry points of I/O packages that do none: protobufjs's minimal runtime only encodes and decodes bytes (no .proto loading). */
  pureSubpaths: ['protobufjs/minimal', 'protobufjs/minimal.js'],
}

/** Globals that act on the world or the clock; pure code gets time and randomness from its caller. */
export const impureGlobals = ['process', 'setTimeout', 'setInterval', 'setImmediate', 'fetch', 'require', 'WebSocket', 'XMLHttpRequest']

/** Globs of the pure files, for rules that work by file pattern (no-restricted-globals). */
export const pureFiles = ['src/shared/**/*.ts', 'src/main/*/**/*.ts']
export const pureIgnores = ['src/main/*/io/**', ...scheme.ioOnly.map((folder) => `src/main/${folder}/**`)]

const posix = (path) => path.split(sep).join('/')

/**
 * Where a file sits: { zone: 'shared' | 'renderer' | 'entry' | 'main' | 'other', folder?, io?, pure }.
 * `path` is relative to the project root, with forward slashes.
 */
export function place(path) {
  const parts = path.split('/')
  if (parts[0] !== 'src') return { zone: 'other', pure: false }
  if (parts[1] === 'shared') return { zone: 'shared', pure: true }
  if (parts[1] === 'renderer') return { zone: 'renderer', pure: false }
  if (parts[1] === 'cli' || parts[1] === 'preload') return { zone: 'entry', pure: false }
  if (parts[1] !== 'main') return { zone: 'other', pure: false }
  if (parts.length === 3) return { zone: 'entry', pure: false } // src/main/index.ts
  const folder = parts[2]
  const io = scheme.ioOnly.includes(folder) || parts[3] === 'io'
  return { zone: 'main', folder, io, pure: !io }
}

function packageName(specifier) {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function isIoPackage(name) {
  return scheme.ioPackages.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : name === p))
}

/** The project file an import names (relative to the root), or null for a package. */
function resolveImport(fromFile, specifier) {
  let base
  if (specifier.startsWith('.')) base = resolve(dirname(fromFile), specifier)
  else if (specifier === '@shared' || specifier.startsWith('@shared/')) base = join(root, 'src/shared', specifier.slice('@shared'.length))
  else if (specifier.startsWith('@renderer/')) base = join(root, 'src/renderer/src', specifier.slice('@renderer/'.length))
  else return null
  const candidates = [base, `${base}.ts`, join(base, 'index.ts')]
  const file = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base
  return posix(relative(root, file))
}

/** Is `target` a folder's entry: src/main/<folder>/index.ts or src/main/<folder>/io/index.ts? */
function isEntry(target, folder) {
  return target === `src/main/${folder}/index.ts` || (!scheme.ioOnly.includes(folder) && target === `src/main/${folder}/io/index.ts`)
}

/** Everything wrong with one import, as [messageId, data] pairs. */
export function check(fromPath, specifier, resolveFrom = join(root, fromPath)) {
  const from = place(fromPath)
  if (from.zone === 'other') return []
  const target = resolveImport(resolveFrom, specifier)
  if (target === null) {
    if (specifier.startsWith('@renderer/')) return []
    const builtin = isBuiltin(specifier)
    if (scheme.pureSubpaths.includes(specifier)) return []
    if (!from.pure || !(builtin || isIoPackage(packageName(specifier)))) return []
    return [[builtin ? 'pureBuiltin' : 'purePackage', { specifier, where: describe(fromPath, from) }]]
  }
  const to = place(target)
  if (to.zone === 'other') return []
  if (from.zone === 'shared') return to.zone === 'shared' ? [] : [['sharedOutward', { target }]]
  if (from.zone === 'renderer') return to.zone === 'renderer' || to.zone === 'shared' ? [] : [['rendererOutward', { target }]]
  if (to.zone === 'renderer') return [['intoRenderer', { target }]]
  if (to.zone !== 'main') return []

  const problems = []
  const sameFolder = from.zone === 'main' && from.folder === to.folder
  if (from.pure && to.io) {
    problems.push(['pureToIo', { target, where: describe(fromPath, from), folder: from.folder }])
  }
  if (sameFolder) return problems
  const rank = scheme.layers.indexOf(to.folder)
  if (rank === -1) return [...problems, ['unknownFolder', { folder: to.folder }]]
  if (from.zone === 'main') {
    const fromRank = scheme.layers.indexOf(from.folder)
    if (fromRank === -1) return [...problems, ['unknownFolder', { folder: from.folder }]]
    if (rank > fromRank) problems.push(['upward', { from: from.folder, to: to.folder }])
  }
  if (!scheme.toolboxes.includes(to.folder) && !isEntry(target, to.folder)) {
    problems.push(['notEntry', { target, folder: to.folder, entries: entriesOf(to.folder) }])
  }
  return problems
}

function entriesOf(folder) {
  return scheme.ioOnly.includes(folder) ? `src/main/${folder}/index.ts` : `src/main/${folder}/index.ts (pure) or src/main/${folder}/io/index.ts (I/O)`
}

function describe(path, where) {
  return where.zone === 'shared' ? `src/shared (${path})` : `pure code (${path})`
}

const messages = {
  pureBuiltin: "{{where}} may not import the Node built-in '{{specifier}}'. Move the I/O into an io/ folder, or take what it computes as a parameter.",
  purePackage: "{{where}} may not import '{{specifier}}', a package that does I/O. Move this code into an io/ folder.",
  pureToIo: '{{where}} may not import {{target}}, which does I/O. Move the shared part (often a type) into a pure file, or this file into src/main/{{folder}}/io/.',
  sharedOutward: 'src/shared is the contract every process imports; it may not import {{target}}.',
  rendererOutward: 'The renderer talks to main only through the API contract (src/shared); it may not import {{target}}.',
  intoRenderer: 'Only the renderer imports renderer code; {{target}} is not part of the contract.',
  upward: "'{{from}}' may not import '{{to}}': '{{to}}' comes after it in the layer order (lint/layers.mjs). Move what both need down, or let the composition root pass it in.",
  notEntry: 'Import {{folder}} through its entry, {{entries}}, not {{target}}. Export what you need from the entry.',
  unknownFolder: "src/main/{{folder}} is not in the layer order; add it to `layers` in lint/layers.mjs where it belongs.",
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: "Imports follow Meshdeck's layers: pure vs io/, entries, folder order." },
    messages,
    schema: [],
  },
  create(context) {
    const file = context.physicalFilename ?? context.filename
    const fromPath = posix(relative(root, file))
    const report = (node, source) => {
      if (!source || typeof source.value !== 'string') return
      for (const [messageId, data] of check(fromPath, source.value, file)) context.report({ node: source, messageId, data })
    }
    return {
      ImportDeclaration: (node) => report(node, node.source),
      ExportNamedDeclaration: (node) => report(node, node.source),
      ExportAllDeclaration: (node) => report(node, node.source),
      ImportExpression: (node) => report(node, node.source.type === 'Literal' ? node.source : null),
      TSImportType: (node) => report(node, node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
    }
  },
}

export const layersPlugin = { rules: { layers: rule } }
