import type { EdgeSingular, NodeSingular, StylesheetJson } from 'cytoscape'

/** Colours from the app's theme variables, so the graph follows light and dark mode. */
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

export function readPalette(root: HTMLElement = document.documentElement): GraphPalette {
  const css = getComputedStyle(root)
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback
  return {
    text: v('--text', '#1b1f24'),
    muted: v('--text-muted', '#5d6570'),
    surface: v('--surface', '#ffffff'),
    surface2: v('--surface-2', '#eef0f4'),
    border: v('--border', '#d8dce3'),
    accent: v('--accent', '#2f6fdf'),
    ok: v('--ok', '#1f8a4c'),
    warn: v('--warn', '#b7791f'),
    bad: v('--bad', '#c53030'),
  }
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
      ? [{ selector: sel, style: { [prop]: p.muted } }]
      : [
          { selector: `${sel}[health = "healthy"]`, style: { [prop]: p.ok } },
          { selector: `${sel}[health = "degraded"]`, style: { [prop]: p.warn } },
          { selector: `${sel}[health = "failing"]`, style: { [prop]: p.bad } },
          { selector: `${sel}[health = "idle"]`, style: { [prop]: p.muted } },
        ]
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
      : ([
          { selector: 'edge[health = "healthy"]', style: { 'target-arrow-color': p.ok } },
          { selector: 'edge[health = "degraded"]', style: { 'target-arrow-color': p.warn } },
          { selector: 'edge[health = "failing"]', style: { 'target-arrow-color': p.bad } },
          { selector: 'edge[health = "idle"]', style: { 'target-arrow-color': p.muted } },
        ] as const)),
    // Failing calls read in red whatever the label says; a dragged (pinned) node wears a ring.
    { selector: 'edge[errors = "yes"]', style: { color: p.bad, 'font-weight': 'bold' } },
    { selector: 'node[pinned = "yes"]', style: { 'outline-width': 2, 'outline-color': p.accent, 'outline-offset': 3, 'outline-style': 'dashed' } as never },
    { selector: ':selected', style: { 'overlay-color': p.accent, 'overlay-opacity': 0.18, 'overlay-padding': 6 } },
  ]
}
