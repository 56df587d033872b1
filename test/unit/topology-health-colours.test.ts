import { describe, expect, it } from 'vitest'
import type { HealthClass } from '../../src/shared/contract'
import { graphStyle, healthColour, paletteVars, type GraphPalette } from '../../src/renderer/src/components/topology/graph-stylesheet'
import { healthColourVar, healthDotStyle, healthTextStyle } from '../../src/renderer/src/lib/health-colours'

/** A palette whose every colour is its own name, so a style says which theme colour it used. */
const palette = Object.fromEntries(Object.keys(paletteVars).map((k) => [k, `colour-${k}`])) as unknown as GraphPalette

type Rule = { selector: string; style: Record<string, unknown> }
const rules = (large: boolean): Rule[] => graphStyle(palette, { large }) as unknown as Rule[]
const styleOf = (large: boolean, selector: string, prop: string): unknown => rules(large).filter((r) => r.selector === selector && prop in r.style).at(-1)?.style[prop]

describe('one colour per health class, the same in the graph, the legend, the table and the side panel', () => {
  it('draws idle nodes, idle edges and their arrows in the muted grey the legend and the table use', () => {
    expect(healthColourVar.idle).toBe('--text-muted')
    expect(paletteVars.muted[0]).toBe('--text-muted')
    expect(styleOf(false, 'node[health = "idle"]', 'border-color')).toBe('colour-muted')
    expect(styleOf(false, 'edge[health = "idle"]', 'line-color')).toBe('colour-muted')
    expect(styleOf(false, 'edge[health = "idle"]', 'target-arrow-color')).toBe('colour-muted')
    expect(healthDotStyle('idle')).toEqual({ background: 'var(--text-muted)' })
    expect(healthTextStyle('idle')).toEqual({ color: 'var(--text-muted)' })
  })

  it('gives every class the graph colour read from the very variable the legend and the table use', () => {
    const classes: HealthClass[] = ['healthy', 'degraded', 'failing', 'idle']
    for (const h of classes) {
      const paletteKey = (Object.keys(paletteVars) as (keyof GraphPalette)[]).find((k) => paletteVars[k][0] === healthColourVar[h])
      expect(paletteKey, h).toBeDefined()
      expect(healthColour(palette, h)).toBe(`colour-${paletteKey}`)
      expect(styleOf(false, `edge[health = "${h}"]`, 'line-color')).toBe(healthColour(palette, h))
      expect(healthTextStyle(h).color).toBe(`var(${healthColourVar[h]})`)
    }
    // Failing is red, as the legend promises.
    expect(healthColour(palette, 'failing')).toBe('colour-bad')
  })

  it('draws a large graph all in the idle grey (its problems are marked on the overlay), which its legend calls "no problem"', () => {
    expect(styleOf(true, 'edge', 'line-color')).toBe(healthColour(palette, 'idle'))
    expect(styleOf(true, 'node', 'border-color')).toBe(healthColour(palette, 'idle'))
  })
})
