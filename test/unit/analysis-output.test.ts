import { describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { countLevels, filterFindings, formatFindings, formatMessage, messageTypes, parseLevel, parseSuppression, type Finding } from '../../src/main/analysis'

const finding = (over: Partial<Finding>): Finding => ({
  code: 'IST0101',
  level: 'Error',
  analyzer: 'virtualservice.DestinationRuleAnalyzer',
  kind: 'VirtualService',
  namespace: 'demo',
  name: 'reviews',
  file: 'reviews.yaml',
  line: 12,
  field: 'spec.http[0].route[1].destination.subset',
  message: 'Referenced host+subset in destinationrule not found: "reviews+v3"',
  fix: 'Define subset v3 in DestinationRule demo/reviews.',
  related: ['DestinationRule demo/reviews'],
  ...over,
})

describe('findings as istioctl prints them', () => {
  it('writes one log line per finding in istioctl\'s form, with the fix indented under it', () => {
    const text = formatFindings([finding({}), finding({ code: 'IST0127', level: 'Warning', kind: undefined, namespace: undefined, name: undefined, message: 'x', fix: '' })], 'log')
    expect(text).toBe(
      'Error [IST0101] (VirtualService demo/reviews reviews.yaml:12) Referenced host+subset in destinationrule not found: "reviews+v3"\n' +
        '    Fix: Define subset v3 in DestinationRule demo/reviews.\n' +
        'Warning [IST0127] (reviews.yaml:12) x',
    )
  })

  it("writes JSON and YAML with istioctl's fields (code, level, origin, reference, message, documentationUrl) and Meshdeck's", () => {
    const json = JSON.parse(formatFindings([finding({})], 'json')) as Record<string, unknown>[]
    expect(json).toEqual([
      {
        code: 'IST0101',
        level: 'Error',
        origin: 'VirtualService demo/reviews',
        reference: 'reviews.yaml:12',
        message: 'Referenced host+subset in destinationrule not found: "reviews+v3"',
        documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
        fix: 'Define subset v3 in DestinationRule demo/reviews.',
        analyzer: 'virtualservice.DestinationRuleAnalyzer',
        field: 'spec.http[0].route[1].destination.subset',
        related: ['DestinationRule demo/reviews'],
      },
    ])
    expect(parseYaml(formatFindings([finding({ code: 'MDK0019' })], 'yaml'))).toEqual([expect.objectContaining({ code: 'MDK0019', documentationUrl: 'docs/analysis.md#mdk0019' })])
    expect(parseYaml(formatFindings([], 'yaml'))).toEqual([])
    expect(JSON.parse(formatFindings([], 'json'))).toEqual([])
  })

  it("fills templates as Go's Sprintf fills Istio's", () => {
    expect(formatMessage('Referenced %s not found: %q', ['host', 'a"b'])).toBe('Referenced host not found: "a\\"b"')
    expect(formatMessage('ports %v, mTLS %t, port %d, 100%%', [[8080, 8081], false, 9080])).toBe('ports [8080 8081], mTLS false, port 9080, 100%')
  })

  it('has one message per code, IST codes as Istio numbers them and MDK codes in order', () => {
    const codes = messageTypes.map((m) => m.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes.filter((c) => c.startsWith('MDK'))).toEqual(codes.filter((c) => c.startsWith('MDK')).sort())
  })
})

describe('what a person asks to see', () => {
  const findings = [
    finding({}),
    finding({ code: 'IST0127', level: 'Warning', kind: 'AuthorizationPolicy', namespace: 'shop', name: 'allow-all' }),
    finding({ code: 'IST0131', level: 'Info', name: 'ratings' }),
    finding({ code: 'MDK0007', kind: undefined, namespace: undefined, name: undefined, file: 'broken.yaml', line: 3 }),
  ]

  it('suppresses a code on the resources a glob names, in `Kind ns/name` or istioctl\'s older `Kind name.ns`', () => {
    expect(filterFindings(findings, { suppressions: [parseSuppression('IST0101=VirtualService demo/reviews')] }).map((f) => f.code)).toEqual(['IST0127', 'IST0131', 'MDK0007'])
    expect(filterFindings(findings, { suppressions: [parseSuppression('IST0127=AuthorizationPolicy *.shop')] }).map((f) => f.code)).toEqual(['IST0101', 'IST0131', 'MDK0007'])
    expect(filterFindings(findings, { suppressions: [parseSuppression('IST0131=* demo/*')] }).map((f) => f.code)).toEqual(['IST0101', 'IST0127', 'MDK0007'])
    // Another code on the same resource stays.
    expect(filterFindings(findings, { suppressions: [parseSuppression('IST0127=VirtualService demo/reviews')] })).toHaveLength(4)
  })

  it('says which suppression codes it does not know, and refuses a value that is not CODE=RESOURCE', () => {
    expect(parseSuppression('IST9999=Pod a.b')).toEqual({ code: 'IST9999', resource: 'Pod a.b', unknownCode: true })
    expect(() => parseSuppression('IST0101')).toThrow(/CODE=RESOURCE/)
  })

  it('keeps one namespace (and findings on files, which have none) and drops what is below the output threshold', () => {
    expect(filterFindings(findings, { namespace: 'shop' }).map((f) => f.code)).toEqual(['IST0127', 'MDK0007'])
    expect(filterFindings(findings, { outputThreshold: 'Warning' }).map((f) => f.code)).toEqual(['IST0101', 'IST0127', 'MDK0007'])
    expect(countLevels(findings)).toEqual({ Error: 2, Warning: 1, Info: 1 })
    expect(parseLevel('warning')).toBe('Warning')
    expect(parseLevel('fatal')).toBeNull()
  })
})
