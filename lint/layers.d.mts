// Types for lint/layers.mjs, so tests and scripts can use the same scheme lint enforces.
import type { ESLint } from 'eslint'

export const root: string
export const scheme: {
  layers: string[]
  ioOnly: string[]
  toolboxes: string[]
  ioPackages: string[]
  pureSubpaths: string[]
}
export const impureGlobals: string[]
export const pureFiles: string[]
export const pureIgnores: string[]
export interface Place {
  zone: 'shared' | 'renderer' | 'entry' | 'main' | 'other'
  folder?: string
  io?: boolean
  pure: boolean
}
export function place(path: string): Place
export function check(fromPath: string, specifier: string, resolveFrom?: string): [string, Record<string, string>][]
export const layersPlugin: ESLint.Plugin
