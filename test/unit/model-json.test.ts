import { describe, expect, it } from 'vitest'
import { asBoolean, asNumber, asObject, asObjects, asStringMap, asStrings, asText, isJsonObject } from '../../src/main/model'

describe('the JSON reader', () => {
  it('reads an empty string field as absent, so one default serves both', () => {
    expect(asText('')).toBeUndefined()
    expect(asText(undefined)).toBeUndefined()
    expect(asText('ClusterIP')).toBe('ClusterIP')
    expect(asText('') ?? 'ClusterIP').toBe(asText(undefined) ?? 'ClusterIP')
  })

  it('keeps empty label values: node-role.kubernetes.io/control-plane: "" is a real label', () => {
    expect(asStringMap({ 'node-role.kubernetes.io/control-plane': '', app: 'web', replicas: 3, nested: {} })).toEqual({ 'node-role.kubernetes.io/control-plane': '', app: 'web' })
    expect(asStrings(['10.0.0.1', '', 7, null])).toEqual(['10.0.0.1', ''])
  })

  it('answers with the type asked for or absent, never throws, for every odd value', () => {
    const odd = [null, undefined, 0, 1.5, '', 'x', true, [], [1], {}, { a: 1 }, Number.NaN, Number.POSITIVE_INFINITY]
    for (const v of odd) {
      expect(() => [asObject(v), asObjects(v), asText(v), asNumber(v), asBoolean(v), asStringMap(v), asStrings(v)]).not.toThrow()
    }
    expect(asNumber(Number.NaN)).toBeUndefined()
    expect(asNumber(Number.POSITIVE_INFINITY)).toBeUndefined()
    expect(asNumber('3')).toBeUndefined()
    expect(asNumber(0)).toBe(0)
    expect(asBoolean('true')).toBeUndefined()
    expect(asBoolean(false)).toBe(false)
  })

  it('reads objects and lists of objects without a guard at each step', () => {
    expect(isJsonObject([])).toBe(false)
    expect(isJsonObject(null)).toBe(false)
    expect(asObject(['a'])).toEqual({})
    expect(asObject('spec')).toEqual({})
    expect(asObjects([{ port: 80 }, 'junk', null])).toEqual([{ port: 80 }, {}, {}])
    expect(asObjects({ port: 80 })).toEqual([])
  })
})
