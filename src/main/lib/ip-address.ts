/*
 * IP address text, read the way node:net reads it (isIP, isIPv4, isIPv6, BlockList), without
 * loading node:net: validation, translation and policy logic are pure and run anywhere. A unit
 * test holds these answers equal to node:net's over a large set of inputs.
 */

/** Dotted quad, each part 0–255 written without leading zeros (as node:net requires). */
export function isIPv4(text: string): boolean {
  return ipv4Bytes(text) !== null
}

/** Full, compressed (`::`) or IPv4-suffixed IPv6, with an optional zone (`%eth0`). */
export function isIPv6(text: string): boolean {
  return ipv6Words(text) !== null
}

/** 4, 6, or 0 when `text` is no IP address; like node:net's isIP. */
export function isIP(text: string): 0 | 4 | 6 {
  return isIPv4(text) ? 4 : isIPv6(text) ? 6 : 0
}

const decimalPart = /^(?:0|[1-9][0-9]{0,2})$/
const hexWord = /^[0-9a-fA-F]{1,4}$/
const zone = /^[0-9a-zA-Z.:-]+$/

function ipv4Bytes(text: string): number[] | null {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => decimalPart.test(p))) return null
  const bytes = parts.map(Number)
  return bytes.every((b) => b <= 255) ? bytes : null
}

/** The eight 16-bit words of an IPv6 address (the zone dropped), or null when it is not one. */
function ipv6Words(text: string): number[] | null {
  const percent = text.indexOf('%')
  if (percent !== -1 && !zone.test(text.slice(percent + 1))) return null
  const address = percent === -1 ? text : text.slice(0, percent)
  const halves = address.split('::')
  if (halves.length > 2) return null
  const parse = (half: string, mayEndInIPv4: boolean): number[] | null => {
    if (half === '') return []
    const groups = half.split(':')
    const words: number[] = []
    for (const [i, group] of groups.entries()) {
      if (mayEndInIPv4 && i === groups.length - 1 && group.includes('.')) {
        const bytes = ipv4Bytes(group)
        if (!bytes) return null
        words.push((bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!)
      } else if (hexWord.test(group)) {
        words.push(parseInt(group, 16))
      } else {
        return null
      }
    }
    return words
  }
  if (halves.length === 1) {
    const words = parse(address, true)
    return words && words.length === 8 ? words : null
  }
  const head = parse(halves[0]!, false)
  const tail = parse(halves[1]!, true)
  // `::` stands for at least one zero word.
  if (!head || !tail || head.length + tail.length > 7) return null
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
}

/** An address as 128 bits (eight words); IPv4 as its IPv4-mapped IPv6 form, ::ffff:a.b.c.d. */
function toWords(text: string): number[] | null {
  const bytes = ipv4Bytes(text)
  if (bytes) return [0, 0, 0, 0, 0, 0xffff, (bytes[0]! << 8) | bytes[1]!, (bytes[2]! << 8) | bytes[3]!]
  return ipv6Words(text)
}

function samePrefix(a: number[], b: number[], bits: number): boolean {
  for (let word = 0; word < 8 && bits > 0; word++, bits -= 16) {
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff
    if ((a[word]! & mask) !== (b[word]! & mask)) return false
  }
  return true
}

/**
 * Whether `ip` lies in `block`: an address ("10.1.2.3") or a CIDR range ("10.0.0.0/8",
 * "fd00::/8"). IPv4 and IPv6 meet through IPv4-mapped addresses (10.0.0.0/8 holds
 * ::ffff:10.1.2.3), as in node:net's BlockList. False when either is not an address; a prefix
 * that is not an integer within the family's range throws a RangeError, as BlockList does.
 */
export function ipInBlock(block: string, ip: string): boolean {
  const [network, bits] = block.split('/')
  if (!network) return false
  const v4 = isIPv4(network)
  const net = toWords(network)
  const address = toWords(ip)
  if (!net || !address) return false
  const max = v4 ? 32 : 128
  if (bits === undefined) return samePrefix(net, address, 128)
  const prefix = Number(bits)
  if (!Number.isInteger(prefix)) throw new RangeError(`The value of "prefix" is out of range. It must be an integer. Received ${String(prefix)}`)
  if (prefix < 0 || prefix > max) throw new RangeError(`The value of "prefix" is out of range. It must be >= 0 && <= ${max}. Received ${prefix}`)
  return samePrefix(net, address, v4 ? 96 + prefix : prefix)
}
