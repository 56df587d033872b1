import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type YAMLMap, type YAMLSeq } from 'yaml'
import { MeshdeckError } from '@shared/contract'
import type { Weights } from '@shared/canary/weights'
import { effectiveWeight, selectRoute, type RouteSelector } from '../model'

/** Which http route of a VirtualService to edit: by its `name`, or by position when unnamed. */
export type { RouteSelector } from '../model'

/** Which VirtualService in a file of several documents; omitted when the file holds just one. */
export interface ObjectRef {
  name: string
  namespace?: string
}

export interface RouteDestination {
  /** The key weights are given by: the subset, or the host when the destination has no subset. */
  key: string
  host: string
  subset: string | null
  weight: number
}

const destinationKey = (host: string, subset: string | null): string => subset ?? host

/**
 * Reads the destinations of one http route. A single destination without a weight carries all the
 * traffic, as Istio treats it.
 */
export function readRouteDestinations(yamlText: string, selector: RouteSelector, target?: ObjectRef): RouteDestination[] {
  const route = findRoute(parseStrict(yamlText, target).doc, selector)
  const destinations = routeDestinations(route)
  return destinations.items.map((item) => {
    const entry = item as YAMLMap
    const host = String(entry.getIn(['destination', 'host']) ?? '')
    const subsetValue = entry.getIn(['destination', 'subset'])
    const subset = subsetValue === undefined || subsetValue === null ? null : String(subsetValue)
    return {
      key: destinationKey(host, subset),
      host,
      subset,
      weight: effectiveWeight(entry.get('weight'), destinations.items.length),
    }
  })
}

/**
 * Sets the weights of one http route and changes nothing else: comments, key order, and fields
 * Meshdeck does not model all survive. A weight for a subset the route does not list yet adds a
 * destination for it on the given host (how a rollout brings a canary in).
 */
export function setRouteWeights(yamlText: string, selector: RouteSelector, weights: Weights, host: string, target?: ObjectRef): string {
  const { doc, all } = parseStrict(yamlText, target)
  const route = findRoute(doc, selector)
  const destinations = routeDestinations(route)
  const seen = new Set<string>()
  // Edits are made to the text itself — just the weight numbers, plus new lines in the file's own
  // indentation where a weight or a destination is added — so the diff a person reviews is exactly
  // the weights. Only layouts this cannot follow (flow sequences) fall back to re-rendering.
  const edits: { start: number; end: number; text: string }[] = []
  let rerender = false
  let lastItem: YAMLMap | undefined
  for (const item of destinations.items) {
    const entry = item as YAMLMap
    lastItem = entry
    const itemHost = String(entry.getIn(['destination', 'host']) ?? '')
    const subsetValue = entry.getIn(['destination', 'subset'])
    const key = destinationKey(itemHost, subsetValue === undefined || subsetValue === null ? null : String(subsetValue))
    seen.add(key)
    const weight = weights[key]
    if (weight === undefined) continue
    const existing = entry.get('weight', true)
    if (isScalar(existing) && existing.range) edits.push({ start: existing.range[0], end: existing.range[1], text: String(weight) })
    else {
      const at = blockItemLayout(yamlText, entry)
      if (at) edits.push({ start: at.end, end: at.end, text: `${at.indent}weight: ${weight}\n` })
      else rerender = true
    }
    entry.set('weight', weight)
  }
  const layout = lastItem ? blockItemLayout(yamlText, lastItem) : undefined
  for (const [key, weight] of Object.entries(weights)) {
    if (seen.has(key)) continue
    if (layout) {
      const text = `${layout.dash}destination:\n${layout.indent}  host: ${host}\n${layout.indent}  subset: ${key}\n${layout.indent}weight: ${weight}\n`
      edits.push({ start: layout.end, end: layout.end, text })
    } else rerender = true
    destinations.add(doc.createNode({ destination: { host, subset: key }, weight }))
  }
  if (!rerender) {
    let text = yamlText
    // Later offsets first so earlier ones stay valid; insertions at one point keep their order.
    const ordered = edits.map((e, i) => ({ ...e, i })).sort((x, y) => y.start - x.start || y.i - x.i)
    for (const edit of ordered) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end)
    return text
  }
  const indentSeq = !/^( *)[\w-]+:\n\1- /m.test(yamlText)
  return all.map((d) => d.toString({ lineWidth: 0, indentSeq })).join('')
}

/**
 * For a block-sequence item (`- destination: ...`), the text before its first key ("    - "), the
 * indentation of its other keys, and the offset just past its last line; undefined for flow style.
 */
function blockItemLayout(text: string, item: YAMLMap): { dash: string; indent: string; end: number } | undefined {
  const range = item.range
  if (!range || item.flow) return undefined
  const lineStart = text.lastIndexOf('\n', range[0] - 1) + 1
  const dash = text.slice(lineStart, range[0])
  if (!/^\s*-\s+$/.test(dash)) return undefined
  const lastChar = Math.max(range[1] - 1, range[0])
  const newline = text.indexOf('\n', lastChar)
  return { dash, indent: ' '.repeat(dash.length), end: newline === -1 ? text.length : newline + 1 }
}

function parseStrict(yamlText: string, target?: ObjectRef): { doc: Document; all: Document[] } {
  const all = parseAllDocuments(yamlText)
  if (!Array.isArray(all)) throw new MeshdeckError('not_a_virtual_service', 'The file holds no YAML documents.', 'Pick the file that defines the VirtualService.')
  const broken = all.find((d) => d.errors.length > 0)
  if (broken) {
    throw new MeshdeckError('invalid_yaml', `The VirtualService file is not valid YAML: ${broken.errors[0]?.message ?? ''}`, 'Fix the YAML and try again.')
  }
  const candidates = all.filter((d) => d.get('kind') === 'VirtualService')
  const doc = target
    ? candidates.find(
        (d) =>
          d.getIn(['metadata', 'name']) === target.name &&
          (target.namespace === undefined || (d.getIn(['metadata', 'namespace']) ?? target.namespace) === target.namespace),
      )
    : candidates.length === 1
      ? candidates[0]
      : undefined
  if (!doc) {
    const what = target ? `VirtualService "${target.name}"` : 'exactly one VirtualService'
    throw new MeshdeckError('not_a_virtual_service', `The file does not hold ${what}.`, 'Pick the VirtualService that routes this service.')
  }
  return { doc, all }
}

function findRoute(doc: Document, selector: RouteSelector): YAMLMap {
  const http = doc.getIn(['spec', 'http'])
  if (!isSeq(http) || http.items.length === 0) {
    throw new MeshdeckError('no_http_routes', 'The VirtualService has no http routes to weight.', 'Add an http route with destinations first.')
  }
  const routes = http.items.filter(isMap) as YAMLMap[]
  const selected = selectRoute(routes, selector, (r) => r.get('name'))
  if (!selected) throw unknownRoute(selector, routes.map((r) => r.get('name')))
  return selected.route
}

/** The error for a selector that picks no route, listing the routes there are (by name, else position). */
export function unknownRoute(selector: RouteSelector, names: readonly unknown[]): MeshdeckError {
  const listed = names.map((name, i) => String(name ?? `#${i}`)).join(', ')
  return new MeshdeckError('unknown_route', `No http route ${'name' in selector ? `named "${selector.name}"` : `at position ${selector.index}`}.`, `Routes here: ${listed}.`)
}

function routeDestinations(route: YAMLMap): YAMLSeq {
  const destinations = route.get('route')
  if (!isSeq(destinations) || destinations.items.length === 0) {
    throw new MeshdeckError('no_destinations', 'This http route has no destinations (it may redirect or respond directly).', 'Choose a route that forwards to subsets.')
  }
  return destinations
}
