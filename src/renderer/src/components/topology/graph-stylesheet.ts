import type { EdgeSingular, NodeSingular, StylesheetJson } from 'cytoscape'
import type { HealthClass } from '@shared/contract'
import { healthColourVar } from '../../lib/health-colours'

const healthClasses: HealthClass[] = ['healthy', 'degraded', 'failing', 'idle']

/** Colours from the app's theme variables (read by graph-style.ts), so the graph follows light and dark mode. */
export interface GraphPalette {
  text: string
  muted: string
  surface: string
  surface2: string
  border: string
  accent: string
  ok: string
  warn: string
  bad: string
}

/** Which theme variable each palette colour is read from (and its fallback). */
export const paletteVars: Record<keyof GraphPalette, [cssVar: string, fallback: string]> = {
  text: ['--text', '#1b1f24'],
  muted: ['--text-muted', '#5d6570'],
  surface: ['--surface', '#ffffff'],
  surface2: ['--surface-2', '#eef0f4'],
  border: ['--border', '#d8dce3'],
  accent: ['--accent', '#2f6fdf'],
  ok: ['--ok', '#1f8a4c'],
  warn: ['--warn', '#b7791f'],
  bad: ['--bad', '#c53030'],
}

/** A health class's colour in the palette: the colour the legend and the table use (health-colours.ts). */
export function healthColour(p: GraphPalette, health: HealthClass): string {
  const key = (Object.keys(paletteVars) as (keyof GraphPalette)[]).find((k) => paletteVars[k][0] === healthColourVar[health])
  return key ? p[key] : p.muted
}

/**
 * The label as a function, not 'data(label)'. Restyling an element re-applies every data mapper
 * whether or not its value moved, and each re-application clears the style caches of the element,
 * of everything inside it and of their edges. A health change restyles a node's app and namespace
 * boxes too (cytoscape re-checks parents for compound selectors), so with 'data(label)' one flip
 * emptied the caches of whole namespaces and the next frame recomputed them for ~3,600 elements:
 * over half of a 50 ms frame on the scale bench. A function mapper is skipped when it returns the
 * same value as last time.
 */
const dataLabel = (ele: NodeSingular | EdgeSingular): string => ele.data('label') as string

/**
 * The stylesheet. Labels hide when zoomed out (min-zoomed-font-size): drawing thousands of edge
 * labels nobody can read is what makes a large graph slow. A large graph is drawn in one neutral
 * colour: its health goes on a canvas of its own (health-overlay.ts), since a colour change in
 * here makes cytoscape redraw every element.
 */
export function graphStyle(p: GraphPalette, options: { large: boolean } = { large: false }): StylesheetJson {
  const health = (sel: string, prop: 'line-color' | 'border-color'): StylesheetJson =>
    options.large
      ? [{ selector: sel, style: { [prop]: healthColour(p, 'idle') } }]
      : healthClasses.map((h) => ({ selector: `${sel}[health = "${h}"]`, style: { [prop]: healthColour(p, h) } }))
  return [
    {
      selector: 'node',
      style: {
        label: dataLabel,
        'text-wrap': 'wrap',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'font-size': 11,
        'min-zoomed-font-size': 7,
        color: p.text,
        'background-color': p.surface,
        'border-width': 3,
        width: 34,
        height: 34,
        shape: 'ellipse',
      },
    },
    { selector: 'node[kind = "service"]', style: { shape: 'round-triangle', 'background-color': p.surface2 } },
    { selector: 'node[kind = "workload"]', style: { shape: 'round-rectangle' } },
    { selector: 'node[kind = "external"]', style: { shape: 'round-hexagon', 'background-color': p.surface2 } },
    { selector: 'node[missing = "yes"]', style: { 'border-style': 'dashed', 'background-opacity': 0.3 } },
    ...health('node', 'border-color'),
    {
      selector: 'node[kind = "namespace"], node[kind = "app"]',
      style: {
        shape: 'round-rectangle',
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        'font-weight': 'bold',
        'border-width': 1,
        'border-style': 'dashed',
        'border-color': p.border,
        'background-color': p.surface2,
        'background-opacity': 0.35,
        padding: '14px',
      },
    },
    { selector: 'node[kind = "app"]', style: { 'border-style': 'solid', 'background-opacity': 0.6 } },
    {
      selector: 'edge',
      style: {
        width: 2,
        // Straight edges cost far less to draw than curves; thousands are redrawn on every change.
        'curve-style': 'straight',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.9,
        label: dataLabel,
        'text-wrap': 'wrap',
        'font-size': 10,
        'min-zoomed-font-size': 8,
        color: p.text,
        'text-background-color': p.surface,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'autorotate',
      },
    },
    // Haystack edges are the cheapest cytoscape draws; at the zoom a large graph needs, arrows are
    // specks anyway, and the left → right layout already says which way calls go.
    {
      selector: 'edge[kind = "route"]',
      style: {
        'line-style': 'dashed',
        'line-dash-pattern': [6, 3],
        // A service fans out to its versions over short edges: mid-edge labels would pile up on
        // each other, so each split's label sits by the version it goes to instead.
        label: '',
        'target-label': dataLabel,
        'target-text-offset': 70,
        'target-text-rotation': 'autorotate',
      },
    },
    ...(options.large
      ? ([
          // Dashes are stroked segment by segment; solid lines are one stroke each.
          { selector: 'edge', style: { 'curve-style': 'haystack', 'haystack-radius': 0, 'target-arrow-shape': 'none', 'line-style': 'solid' } },
          // Hundreds of translucent box fills are most of a redraw in software rendering; frames suffice.
          { selector: 'node[kind = "namespace"], node[kind = "app"]', style: { 'background-opacity': 0 } },
        ] as const)
      : []),
    ...health('edge', 'line-color'),
    ...(options.large
      ? []
      : healthClasses.map((h) => ({ selector: `edge[health = "${h}"]`, style: { 'target-arrow-color': healthColour(p, h) } }))),
    // Failing calls read in red whatever the label says; a dragged (pinned) node wears a ring.
    { selector: 'edge[errors = "yes"]', style: { color: p.bad, 'font-weight': 'bold' } },
    { selector: 'node[pinned = "yes"]', style: { 'outline-width': 2, 'outline-color': p.accent, 'outline-offset': 3, 'outline-style': 'dashed' } as never },
    { selector: ':selected', style: { 'overlay-color': p.accent, 'overlay-opacity': 0.18, 'overlay-padding': 6 } },
  ]
}
