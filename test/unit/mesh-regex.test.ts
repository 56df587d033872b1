import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml, validateMesh } from '../../src/main/mesh'
import { checkClientRegex, clientRegexSteps, maxClientRegexSteps } from '../../src/main/mesh/regex'
import { serviceEntryYaml, toYaml, virtualServiceYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'

describe('checkClientRegex', () => {
  it.each([
    ['/demo\\.Echo/.*'],
    ['[a-z0-9-]+'],
    // RE2 syntax JavaScript's RegExp refuses: gRPC clients compile these fine.
    ['(?i)canary'],
    ['(?P<user>[a-z]+)'],
    ['[[:alpha:]]+'],
    ['\\pN+'],
    ['abc\\z'],
    ['\\x{41}'],
    ['\\Qa.b\\E'],
  ])('accepts RE2 %s', (regex) => {
    expect(checkClientRegex(regex)).toBeNull()
  })

  it.each([
    ['(?=a)a[a-z]*', 'lookahead is not RE2'],
    ['(?!beta)[a-z]+', 'lookahead is not RE2'],
    ['(?<=v)1', 'lookbehind is not RE2'],
    ['(?<!v)1', 'lookbehind is not RE2'],
    ['(a)\\1', 'backreferences are not RE2'],
    ['(?<n>a)\\k<n>', 'backreferences are not RE2'],
    ['a++', 'possessive quantifiers are not RE2'],
    ['(?>a+)b', 'atomic groups are not RE2'],
    ['\\u0041', '\\u escapes are not RE2'],
    ['a{1001}', 'not valid RE2'],
    ['[z-a]', 'not valid RE2'],
    ['(unclosed', 'not valid RE2'],
  ])('refuses %s: %s', (regex, why) => {
    const problem = checkClientRegex(regex)
    expect(problem?.severity).toBe('error')
    expect(problem?.message).toContain(why)
    expect(problem?.hint.length).toBeGreaterThan(0)
  })

  it('counts character classes in UTF-8 steps, as RE2 compiles them', () => {
    expect(clientRegexSteps('abc')).toBeLessThan(10)
    expect(clientRegexSteps('[a-z]{100}')).toBeLessThan(110)
    // \pL is hundreds of UTF-8 byte sequences, which re2js (compiling to runes) counts as one.
    expect(clientRegexSteps('\\pL')).toBeGreaterThan(800)
    expect(clientRegexSteps('\\pL{100}')).toBeGreaterThan(100 * 800)
  })

  it('refuses a regex too large for grpc-js-xds’s 16 MB engine, and warns about one that uses it up over updates', () => {
    expect(clientRegexSteps('\\pL{100}')).toBeGreaterThan(maxClientRegexSteps)
    expect(checkClientRegex('\\pL{100}')).toMatchObject({ severity: 'error', message: expect.stringContaining('more than grpc-js-xds clients can hold') })
    expect(checkClientRegex('\\pL+')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/fails after roughly \d+ updates/) })
  })
})

describe('validateMesh on regexes', () => {
  const host = 'reviews.demo.svc.cluster.local'
  function problemsFor(match: Record<string, unknown>): string[] {
    const docs = [
      serviceEntryYaml({ name: 'reviews', host, port: 9080 }),
      workloadEntryYaml({ name: 'reviews-v1', app: 'reviews', port: 50051 }),
      virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: [{ match: [match], route: [{ destination: { host: 'reviews' } }] }] }),
    ]
    const parsed = parseMeshYaml(toYaml(docs), 'mesh.yaml')
    return validateMesh(createSnapshot(1, parsed.objects)).map((p) => `${p.severity} ${p.kind} ${p.field}: ${p.message}`)
  }

  it('names the uri or header field and says why a regex cannot be pushed', () => {
    expect(problemsFor({ uri: { regex: '(?=a)a[a-z]*' } })).toEqual([expect.stringMatching(/^error VirtualService spec\.http\[0\]\.match\[0\]\.uri\.regex: lookahead is not RE2/)])
    expect(problemsFor({ headers: { 'x-user': { regex: '(a)\\1' } } })).toEqual([expect.stringMatching(/^error VirtualService spec\.http\[0\]\.match\[0\]\.headers\.x-user\.regex: backreferences are not RE2/)])
  })

  it('no longer refuses RE2 that JavaScript cannot compile', () => {
    expect(problemsFor({ headers: { 'x-user': { regex: '(?i)canary' } } })).toEqual([])
  })
})
