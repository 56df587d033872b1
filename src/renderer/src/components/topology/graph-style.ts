import { paletteVars, type GraphPalette } from './graph-stylesheet'

/**
 * The stylesheet itself is in graph-stylesheet.ts (no DOM, so it is unit-tested); this file reads
 * the theme's colours from the page.
 */
export { graphStyle, healthColour, paletteVars, type GraphPalette } from './graph-stylesheet'

export function readPalette(root: HTMLElement = document.documentElement): GraphPalette {
  const css = getComputedStyle(root)
  const entries = Object.entries(paletteVars).map(([key, [name, fallback]]) => [key, css.getPropertyValue(name).trim() || fallback])
  return Object.fromEntries(entries) as unknown as GraphPalette
}

