import { RE2JS } from 're2js'

/*
 * Regexes in routes are compiled by every client that receives them, so a regex is checked the
 * way the clients will compile it before it is pushed. Two checks:
 *
 * 1. RE2 syntax (what Envoy, grpc-go, grpc-java and grpc-js-xds all use), with re2js, a pure-JS
 *    port of RE2. JavaScript-only syntax such as lookahead is refused here: grpc-js-xds throws a
 *    SyntaxError while applying the route and the client process exits.
 * 2. Size. grpc-js-xds 1.14 compiles `^(regex)$` with re2-wasm: RE2 built to WebAssembly with a
 *    fixed 16 MB heap. A regex whose compiled program does not fit aborts that engine, which
 *    takes the client down, and re2-wasm never frees a compiled regex, so every update the
 *    client applies for the service (it rebuilds all route matchers) costs a little more of it. RE2 compiles character
 *    classes to UTF-8 byte sequences, so the size is estimated in those (re2js compiles to runes).
 *
 * Pure: a string in, a verdict out.
 */

/** Above this many UTF-8 steps a regex is refused: one compile then takes ~4 MB of the clients' 16 MB (a fresh client aborts near 58,000). */
export const maxClientRegexSteps = 16_000
/** From this many steps on, a warning: each update costs a client ≈1/90 of its regex memory (one `\pL` is ≈840). */
export const leakyClientRegexSteps = 800
/** Measured with re2-wasm 1.0.2: bytes a compile keeps for good, per UTF-8 step, for Unicode classes. */
const bytesPerStep = 230
const clientRegexHeap = 16 * 1024 * 1024

export interface RegexProblem {
  severity: 'error' | 'warning'
  message: string
  hint: string
}

/** What re2js compiles to, as far as the size estimate reads it (re2js 2.10: RE2JS.re2Input.prog.inst). */
interface ProgramInstruction {
  op: number
  runes: ArrayLike<number>
}
const runeOp = { ranges: 8, single: 9, any: 10, anyNotNewline: 11 } as const

/** JavaScript regex syntax RE2 lacks, recognised from re2js's error, with what to write instead. */
const notRe2: { test: RegExp; what: string; hint: string }[] = [
  { test: /`\(\?[=!]/, what: 'lookahead is not RE2', hint: 'RE2 has no lookaround: match the text itself, or add a header match / route before this one.' },
  { test: /`\(\?<[=!]/, what: 'lookbehind is not RE2', hint: 'RE2 has no lookaround: match the text itself, or add a header match / route before this one.' },
  { test: /`\\([1-9]|k)/, what: 'backreferences are not RE2', hint: 'RE2 cannot refer back to a group; spell the alternatives out, e.g. (ab|cd).' },
  { test: /nested repetition operator: `[*+?}][+]/, what: 'possessive quantifiers are not RE2', hint: 'Drop the extra +: RE2 never backtracks, so a* already behaves like a*+.' },
  { test: /`\(\?>/, what: 'atomic groups are not RE2', hint: 'Use a plain group (?:…): RE2 never backtracks.' },
  { test: /`\\u/, what: '\\u escapes are not RE2', hint: 'Write \\x{41} for the code point U+0041.' },
]

function syntaxProblem(regex: string): RegexProblem | null {
  try {
    RE2JS.compile(regex)
    return null
  } catch (err) {
    const detail = (err as Error).message.replace(/^error parsing regexp: /, '')
    const known = notRe2.find((entry) => entry.test.test(detail))
    return {
      severity: 'error',
      message: known ? `${known.what} (${detail}); gRPC clients cannot compile this regex.` : `not valid RE2, the regex syntax gRPC clients and Envoy use: ${detail}.`,
      hint: known?.hint ?? 'Write RE2 syntax (https://github.com/google/re2/wiki/Syntax).',
    }
  }
}

/**
 * How many UTF-8 byte-range sequences RE2 needs for the code points lo..hi (surrogates excluded):
 * a range is split where the encoded length changes, then wherever a continuation byte would not
 * span its full 0x80–0xBF, until each piece is one sequence of byte ranges.
 */
function utf8Steps(lo: number, hi: number): number {
  if (lo > hi) return 0
  if (lo <= 0xdfff && hi >= 0xd800) return utf8Steps(lo, Math.min(hi, 0xd7ff)) + utf8Steps(Math.max(lo, 0xe000), hi)
  for (const edge of [0x7f, 0x7ff, 0xffff]) {
    if (lo <= edge && hi > edge) return utf8Steps(lo, edge) + utf8Steps(edge + 1, hi)
  }
  const length = hi <= 0x7f ? 1 : hi <= 0x7ff ? 2 : hi <= 0xffff ? 3 : 4
  for (let tail = 1; tail < length; tail++) {
    const mask = (1 << (6 * tail)) - 1
    if ((lo & ~mask) === (hi & ~mask)) continue
    if ((lo & mask) !== 0) return utf8Steps(lo, lo | mask) + utf8Steps((lo | mask) + 1, hi)
    if ((hi & mask) !== mask) return utf8Steps(lo, (hi & ~mask) - 1) + utf8Steps(hi & ~mask, hi)
  }
  return 1
}

const anyRune = utf8Steps(0, 0x10ffff)
const anyButNewline = utf8Steps(0, 9) + utf8Steps(11, 0x10ffff)

/** The size of a (valid) regex in UTF-8 steps: its compiled program with each character class counted as RE2 encodes it. */
export function clientRegexSteps(regex: string): number {
  const program = (RE2JS.compile(regex).re2Input as unknown as { prog: { inst: ProgramInstruction[] } }).prog
  let steps = 0
  for (const inst of program.inst) {
    if (inst.op === runeOp.ranges && inst.runes.length > 1) {
      for (let i = 0; i + 1 < inst.runes.length; i += 2) steps += utf8Steps(inst.runes[i] as number, inst.runes[i + 1] as number)
    } else if (inst.op === runeOp.any) steps += anyRune
    else if (inst.op === runeOp.anyNotNewline) steps += anyButNewline
    else steps += 1
  }
  return steps
}

/** Whether gRPC clients can compile `regex` (see above); null when they can without concern. */
export function checkClientRegex(regex: string): RegexProblem | null {
  const syntax = syntaxProblem(regex)
  if (syntax) return syntax
  const steps = clientRegexSteps(regex)
  if (steps > maxClientRegexSteps) {
    return {
      severity: 'error',
      message: `regex compiles to about ${steps} UTF-8 steps, more than grpc-js-xds clients can hold (at most ${maxClientRegexSteps}): their regex engine has a fixed 16 MB and aborts, which ends the client.`,
      hint: 'Repeat Unicode classes less (\\pL+ instead of \\pL{1,64}) or use ASCII classes such as [A-Za-z0-9].',
    }
  }
  if (steps >= leakyClientRegexSteps) {
    const updates = Math.floor(clientRegexHeap / (steps * bytesPerStep))
    return {
      severity: 'warning',
      message: `regex compiles to about ${steps} UTF-8 steps. grpc-js-xds 1.14 clients never free a compiled regex and have 16 MB for them all, and recompile every route regex on each update for the service they call (routes, clusters or endpoints), so a client fails after roughly ${updates} updates.`,
      hint: 'Prefer ASCII classes such as [A-Za-z] to Unicode classes such as \\pL where the header allows it.',
    }
  }
  return null
}
