import { describe, expect, it } from 'vitest'
import { evenSplit, setWeight, weightProblems } from '@shared/canary/weights'

const subsets = ['v1', 'v2', 'v3']
const sum = (w: Record<string, number>): number => Object.values(w).reduce((a, b) => a + b, 0)

describe('canary weight validation', () => {
  it('accepts whole numbers summing to 100', () => {
    expect(weightProblems({ v1: 80, v2: 10, v3: 10 }, subsets)).toEqual([])
  })

  it('rejects a sum of 99 and says by how much', () => {
    expect(weightProblems({ v1: 80, v2: 10, v3: 9 }, subsets).map((p) => p.message)).toEqual(['The weights add up to 99, not 100.'])
  })

  it('rejects negative, NaN, fractional and unknown subsets, naming each', () => {
    const messages = weightProblems({ v1: -5, v2: Number.NaN, v3: 50.5, v9: 10 }, subsets).map((p) => p.message)
    expect(messages).toContain('The weight of "v1" is -5, outside 0–100.')
    expect(messages).toContain('The weight of "v2" is not a number.')
    expect(messages).toContain('The weight of "v3" is 50.5, not a whole number.')
    expect(messages).toContain('Unknown subset "v9".')
  })
})

describe('weight sliders', () => {
  it('even split hands out the remainder so the sum stays 100', () => {
    expect(evenSplit({ v1: 100, v2: 0, v3: 0 })).toEqual({ v1: 34, v2: 33, v3: 33 })
  })

  it('even split leaves locked subsets alone', () => {
    expect(evenSplit({ v1: 50, v2: 0, v3: 0 }, new Set(['v1']))).toEqual({ v1: 50, v2: 25, v3: 25 })
  })

  it('moving one slider rebalances the others in proportion, keeping 100', () => {
    const next = setWeight({ v1: 60, v2: 30, v3: 10 }, 'v3', 40)
    expect(next.v3).toBe(40)
    expect(next.v1).toBe(40)
    expect(next.v2).toBe(20)
    expect(sum(next)).toBe(100)
  })

  it('a locked subset never moves and caps the slider', () => {
    const next = setWeight({ v1: 70, v2: 20, v3: 10 }, 'v3', 90, new Set(['v2']))
    expect(next).toEqual({ v1: 0, v2: 20, v3: 80 })
  })

  it('stays at 100 for every slider position', () => {
    for (let value = 0; value <= 100; value += 7) expect(sum(setWeight({ v1: 33, v2: 33, v3: 34 }, 'v2', value))).toBe(100)
  })
})

describe('the diff shown before Apply', () => {
  it('folds unchanged lines away from the change, keeping three lines of context', async () => {
    const { lineDiff, withContext } = await import('@shared/canary/line-diff')
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n')
    const after = before.replace('line 10', 'line ten')
    expect(withContext(lineDiff(before, after)).map((l) => (l.kind === 'skipped' ? l.text : `${l.kind}:${l.text}`))).toEqual([
      '… 7 unchanged lines',
      'same:line 7',
      'same:line 8',
      'same:line 9',
      'removed:line 10',
      'added:line ten',
      'same:line 11',
      'same:line 12',
      'same:line 13',
      '… 6 unchanged lines',
    ])
  })
})
