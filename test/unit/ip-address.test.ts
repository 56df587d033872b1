import { BlockList, isIP as nodeIsIP, isIPv4 as nodeIsIPv4, isIPv6 as nodeIsIPv6 } from 'node:net'
import { describe, expect, it } from 'vitest'
import { ipInBlock, isIP, isIPv4, isIPv6 } from '../../src/main/lib/ip-address'

/*
 * Pure code reads IP addresses without node:net (lint forbids Node built-ins there), so these
 * answers must be node:net's own: each case is checked against node:net itself.
 */

/** A small deterministic generator, so a failure names an input that can be replayed. */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31
    return s / 2 ** 31
  }
}

const fixed = [
  '', '1.2.3.4', '0.0.0.0', '255.255.255.255', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.04', '1..2.3', ' 1.2.3.4', '1.2.3.4 ',
  '::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::', '::1:', '1:2:3:4:5:6:7', '12345::',
  '::ffff:1.2.3.4', '::1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5::1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::ffff:1.2.3.256', '1.2.3.4::', 'fe80::1%eth0',
  'fe80::1%', 'fe80::1%eth0%1', 'fe80::1%en0.1:x-y', '1.2.3.4%eth0', 'FFFF::', 'g::', '0000:0000::', '00000::', ':::', 'localhost', '::ffff:0:0',
]

function generated(count: number): string[] {
  const next = random(42)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  // Mostly well-formed words, sometimes one too long or with a non-hex letter.
  const hex = (): string =>
    next() < 0.05 ? pick(['12345', 'g', 'abcg', '']) : Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick([...'0123456789abcdefABCDEF'])).join('')
  const dec = (): string => pick(['0', '1', '9', '10', '99', '100', '199', '200', '249', '250', '255', '256', '01', '300', '1000'])
  const quad = (): string => Array.from({ length: 3 + Math.floor(next() * 3) }, dec).join('.')
  const out: string[] = []
  for (let i = 0; i < count; i++) {
    const kind = next()
    if (kind < 0.3) {
      out.push(quad())
      continue
    }
    const groups = Array.from({ length: next() < 0.5 ? 8 : Math.floor(next() * 10) }, hex)
    if (next() < 0.5) groups.splice(Math.floor(next() * (groups.length + 1)), 0, '')
    if (next() < 0.25) groups.push(quad())
    let text = groups.join(':')
    if (next() < 0.15) text = `:${text}`
    if (next() < 0.15) text += ':'
    if (next() < 0.1) text += pick(['%eth0', '%', '%1', '%a b'])
    out.push(text)
  }
  return out
}

/** The implementation Meshdeck had before: node:net's BlockList. */
function blockListInBlock(block: string, ip: string): boolean | string {
  const [address, bits] = block.split('/')
  if (!address) return false
  const type = nodeIsIPv4(address) ? 'ipv4' : nodeIsIPv6(address) ? 'ipv6' : null
  if (!type || !(nodeIsIPv4(ip) || nodeIsIPv6(ip))) return false
  try {
    const list = new BlockList()
    if (bits === undefined) list.addAddress(address, type)
    else list.addSubnet(address, Number(bits), type)
    return list.check(ip, nodeIsIPv4(ip) ? 'ipv4' : 'ipv6')
  } catch (err) {
    return (err as Error).message
  }
}

function ours(block: string, ip: string): boolean | string {
  try {
    return ipInBlock(block, ip)
  } catch (err) {
    return (err as Error).message
  }
}

describe('IP addresses without node:net', () => {
  it('agrees with node:net on which strings are IPv4, IPv6 or neither', () => {
    const inputs = [...fixed, ...generated(20_000)]
    const disagreements = inputs.filter((text) => isIP(text) !== nodeIsIP(text) || isIPv4(text) !== nodeIsIPv4(text) || isIPv6(text) !== nodeIsIPv6(text))
    expect(disagreements).toEqual([])
    // The generator must reach both answers often, or the comparison proves little.
    expect(inputs.filter((t) => nodeIsIPv6(t)).length).toBeGreaterThan(500)
    expect(inputs.filter((t) => nodeIsIPv4(t)).length).toBeGreaterThan(500)
  })

  it('matches addresses and CIDR blocks as BlockList does, across IPv4, IPv6 and IPv4-mapped forms', () => {
    const blocks = [
      '10.0.0.0/8', '10.1.2.3', '10.0.0.1/24', '0.0.0.0/0', '0.0.0.0/32', '192.168.1.0/33', '10.0.0.0/-1', '10.0.0.0/8.5', '10.0.0.0/x', '10.0.0.0/',
      '::/0', '::ffff:0:0/96', '::ffff:10.0.0.0/104', '::ffff:0:0/80', 'fd00::/8', 'fe80::1%eth0/64', '2001:db8::/129', '2001:db8::/32', '::1', '/8', 'nonsense/8',
    ]
    const ips = ['10.1.2.3', '10.2.0.1', '11.0.0.1', '192.168.1.7', '0.0.0.0', '::ffff:10.1.2.3', '::ffff:a01:203', '::10.1.2.3', '::1', 'fd12::1', 'fe80::2%eth1', '2001:db8::5', 'x']
    const mismatches: string[] = []
    for (const block of blocks) {
      for (const ip of ips) {
        const expected = blockListInBlock(block, ip)
        const actual = ours(block, ip)
        if (expected !== actual) mismatches.push(`${block} ∋ ${ip}: BlockList ${String(expected)}, ours ${String(actual)}`)
      }
    }
    expect(mismatches).toEqual([])
  })

  it('agrees with BlockList on random prefixes of random addresses', () => {
    const next = random(7)
    const word = (): string => Math.floor(next() * 0x10000).toString(16)
    const v6 = (): string => Array.from({ length: 8 }, word).join(':')
    const v4 = (): string => Array.from({ length: 4 }, () => Math.floor(next() * 256)).join('.')
    const mismatches: string[] = []
    for (let i = 0; i < 3000; i++) {
      const v4Net = next() < 0.5
      const block = `${v4Net ? v4() : next() < 0.3 ? `::ffff:${v4()}` : v6()}/${Math.floor(next() * (v4Net ? 33 : 129))}`
      // Addresses near the block (same leading text) as well as anywhere.
      const ip = next() < 0.5 ? (next() < 0.5 ? v4() : v6()) : block.split('/')[0]!.replace(/[0-9a-f]$/, () => word().slice(-1))
      const expected = blockListInBlock(block, ip)
      const actual = ours(block, ip)
      if (expected !== actual) mismatches.push(`${block} ∋ ${ip}: BlockList ${String(expected)}, ours ${String(actual)}`)
    }
    expect(mismatches).toEqual([])
  })
})
