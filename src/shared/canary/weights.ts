/**
 * Canary weights as Istio wants them: whole numbers from 0 to 100 per destination, summing to
 * exactly 100. Shared by the renderer (sliders, live) and main (validation before any write).
 */
export type Weights = Record<string, number>

export interface WeightProblem {
  subset: string | null
  message: string
  hint: string
}

/** Every problem with a proposed set of weights; empty means it may be written. */
export function weightProblems(weights: Weights, knownSubsets: readonly string[]): WeightProblem[] {
  const problems: WeightProblem[] = []
  const known = new Set(knownSubsets)
  for (const [subset, weight] of Object.entries(weights)) {
    if (!known.has(subset)) {
      problems.push({
        subset,
        message: `Unknown subset "${subset}".`,
        hint: knownSubsets.length > 0 ? `Use one of: ${knownSubsets.join(', ')}.` : 'Define subsets in the DestinationRule first.',
      })
    }
    if (typeof weight !== 'number' || Number.isNaN(weight)) {
      problems.push({ subset, message: `The weight of "${subset}" is not a number.`, hint: 'Give a whole number from 0 to 100.' })
    } else if (!Number.isInteger(weight)) {
      problems.push({ subset, message: `The weight of "${subset}" is ${weight}, not a whole number.`, hint: 'Istio weights are whole percentages.' })
    } else if (weight < 0 || weight > 100) {
      problems.push({ subset, message: `The weight of "${subset}" is ${weight}, outside 0–100.`, hint: 'Give a whole number from 0 to 100.' })
    }
  }
  if (Object.keys(weights).length === 0) {
    problems.push({ subset: null, message: 'No weights were given.', hint: 'Give a weight for each subset of the route.' })
  }
  const numeric = Object.values(weights).every((w) => typeof w === 'number' && Number.isFinite(w))
  const sum = Object.values(weights).reduce((a, b) => a + b, 0)
  if (numeric && Object.keys(weights).length > 0 && sum !== 100) {
    problems.push({ subset: null, message: `The weights add up to ${sum}, not 100.`, hint: 'Adjust them so they sum to exactly 100 (or use "even split").' })
  }
  return problems
}

/** Splits 100 as evenly as whole numbers allow among the unlocked subsets; locked ones keep theirs. */
export function evenSplit(weights: Weights, locked: ReadonlySet<string> = new Set()): Weights {
  const free = Object.keys(weights).filter((s) => !locked.has(s))
  const lockedSum = Object.entries(weights)
    .filter(([s]) => locked.has(s))
    .reduce((a, [, w]) => a + w, 0)
  const remaining = Math.max(0, 100 - lockedSum)
  const result: Weights = { ...weights }
  free.forEach((subset, index) => {
    const base = Math.floor(remaining / free.length)
    result[subset] = base + (index < remaining - base * free.length ? 1 : 0)
  })
  return result
}

/**
 * Moves one slider and keeps the sum at 100 live: the other unlocked subsets absorb the difference
 * in proportion to their current weights (evenly when they are all zero). The moved value is
 * clamped to what the locks leave available.
 */
export function setWeight(weights: Weights, subset: string, value: number, locked: ReadonlySet<string> = new Set()): Weights {
  if (!(subset in weights) || locked.has(subset)) return { ...weights }
  const others = Object.keys(weights).filter((s) => s !== subset && !locked.has(s))
  const lockedSum = Object.entries(weights)
    .filter(([s]) => s !== subset && locked.has(s))
    .reduce((a, [, w]) => a + w, 0)
  const available = 100 - lockedSum
  const target = others.length === 0 ? available : Math.min(Math.max(Math.round(value), 0), available)
  const result: Weights = { ...weights, [subset]: target }
  const toShare = available - target
  const currentOthers = others.reduce((a, s) => a + (weights[s] ?? 0), 0)
  // Largest-remainder rounding so whole numbers still sum exactly.
  const exact = others.map((s) => ({
    s,
    v: currentOthers === 0 ? toShare / others.length : ((weights[s] ?? 0) * toShare) / currentOthers,
  }))
  const floors = exact.map(({ s, v }) => ({ s, f: Math.floor(v), r: v - Math.floor(v) }))
  let leftover = toShare - floors.reduce((a, x) => a + x.f, 0)
  for (const item of [...floors].sort((a, b) => b.r - a.r)) {
    result[item.s] = item.f + (leftover > 0 ? 1 : 0)
    if (leftover > 0) leftover -= 1
  }
  return result
}
