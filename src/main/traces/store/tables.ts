import type { AttributeValue } from '../span'

/**
 * Interning tables of one store segment. A segment's strings (names, attribute keys, services)
 * and attribute values are stored once and referred to by small integer ids, so a million spans
 * that say `rpc.system=grpc` hold that text once per segment, not a million times. Tables belong
 * to their segment and go with it, so a value seen once never outlives the spans that had it.
 */

/** What one table entry costs beyond its text: the Map entry, the array slot, the string header. */
const entryOverhead = 56

/** Bytes a string costs: V8 stores Latin-1 text one byte a character, other text two. */
export function stringBytes(value: string): number {
  return entryOverhead + 2 * value.length
}

export class StringTable {
  private readonly ids = new Map<string, number>()
  readonly values: string[] = []
  bytes = 0

  intern(value: string): number {
    let id = this.ids.get(value)
    if (id === undefined) {
      id = this.values.length
      this.ids.set(value, id)
      this.values.push(value)
      this.bytes += stringBytes(value)
    }
    return id
  }

  idOf(value: string): number | undefined {
    return this.ids.get(value)
  }

  get size(): number {
    return this.values.length
  }
}

/** Typed attribute values: "200" the string and 200 the number are different values. */
export class ValueTable {
  readonly values: AttributeValue[] = []
  private readonly strings = new Map<string, number>()
  private readonly numbers = new Map<number, number>()
  private readonly booleans: [number, number] = [-1, -1]
  private readonly arrays = new Map<string, number>()
  bytes = 0

  intern(value: AttributeValue): number {
    switch (typeof value) {
      case 'string':
        return this.internIn(this.strings, value, value, stringBytes(value))
      case 'number':
        return this.internIn(this.numbers, value, value, entryOverhead)
      case 'boolean': {
        const slot = value ? 1 : 0
        if (this.booleans[slot] === -1) this.booleans[slot] = this.push(value, 16)
        return this.booleans[slot]
      }
      default: {
        const key = JSON.stringify(value)
        return this.internIn(this.arrays, key, value, 2 * stringBytes(key))
      }
    }
  }

  /** Ids of the values a search text can mean: "200" finds the string "200" and the number 200. */
  idsMatching(text: string): number[] {
    const out: number[] = []
    const asString = this.strings.get(text)
    if (asString !== undefined) out.push(asString)
    const number = text.trim() === '' ? NaN : Number(text)
    if (Number.isFinite(number)) {
      const asNumber = this.numbers.get(number)
      if (asNumber !== undefined) out.push(asNumber)
    }
    if (text === 'true' && this.booleans[1] !== -1) out.push(this.booleans[1])
    if (text === 'false' && this.booleans[0] !== -1) out.push(this.booleans[0])
    if (text.startsWith('[')) {
      const asArray = this.arrays.get(text)
      if (asArray !== undefined) out.push(asArray)
    }
    return out
  }

  get size(): number {
    return this.values.length
  }

  private internIn<K>(map: Map<K, number>, key: K, value: AttributeValue, cost: number): number {
    let id = map.get(key)
    if (id === undefined) {
      id = this.push(value, cost)
      map.set(key, id)
    }
    return id
  }

  private push(value: AttributeValue, cost: number): number {
    this.values.push(value)
    this.bytes += cost
    return this.values.length - 1
  }
}

/** A Uint32Array that grows by doubling; its bytes are its capacity. */
export class GrowableUint32 {
  array: Uint32Array
  length = 0

  constructor(initial = 1024) {
    this.array = new Uint32Array(initial)
  }

  push(a: number, b: number): void {
    if (this.length + 2 > this.array.length) {
      const next = new Uint32Array(Math.ceil(this.array.length * 1.5) + 2)
      next.set(this.array)
      this.array = next
    }
    this.array[this.length++] = a
    this.array[this.length++] = b
  }

  get bytes(): number {
    return this.array.byteLength
  }

  /** Gives back the unused tail once nothing more is appended. */
  trim(): void {
    if (this.array.length > this.length) this.array = this.array.slice(0, Math.max(2, this.length))
  }
}
