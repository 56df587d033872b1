import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeMesh, analyzers, formatLogLine, type AnalysisInput, type Finding } from '../../src/main/analysis'
import { renderWorkloadEntries } from '../../src/main/demo/io/mesh-config'
import { demoWorkloads } from '../../src/main/demo/topology'
import { createSnapshot, parseMeshYaml, problemCodes, validateMesh, type MeshObject, type MeshProblem } from '../../src/main/mesh'

/*
 * Every analyzer, with a YAML case that triggers it and one that must not. The cases start from a
 * small healthy mesh (reviews v1/v2 split 90/10, ratings) and change one thing each.
 */

const base = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: demo }
spec:
  hosts: [reviews.demo.svc.cluster.local]
  ports: [{ number: 9080, name: grpc, protocol: GRPC }]
  resolution: STATIC
  workloadSelector: { labels: { app: reviews } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: reviews-v1, namespace: demo }
spec: { address: 127.0.0.1, ports: { grpc: 41001 }, labels: { app: reviews, version: v1 }, serviceAccount: reviews }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: reviews-v2, namespace: demo }
spec: { address: 127.0.0.1, ports: { grpc: 41002 }, labels: { app: reviews, version: v2 }, serviceAccount: reviews }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ratings, namespace: demo }
spec:
  hosts: [ratings.demo.svc.cluster.local]
  ports: [{ number: 9080, name: grpc, protocol: GRPC }]
  resolution: STATIC
  workloadSelector: { labels: { app: ratings } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: ratings-v1, namespace: demo }
spec: { address: 127.0.0.1, ports: { grpc: 41003 }, labels: { app: ratings, version: v1 }, serviceAccount: ratings }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: demo }
spec:
  host: reviews.demo.svc.cluster.local
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: demo }
spec: { mtls: { mode: PERMISSIVE } }
`

const reviewsRoute = (http: string, name = 'reviews', hosts = '[reviews.demo.svc.cluster.local]'): string => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: demo }
spec:
  hosts: ${hosts}
  http:
${http}`

const split = `    - name: split
      route:
        - destination: { host: reviews.demo.svc.cluster.local, subset: v1 }
          weight: 90
        - destination: { host: reviews.demo.svc.cluster.local, subset: v2 }
          weight: 10
`

function parse(...texts: string[]): { objects: MeshObject[]; problems: MeshProblem[] } {
  const parsed = texts.map((text, i) => parseMeshYaml(text, `mesh-${i}.yaml`))
  return { objects: parsed.flatMap((p) => p.objects), problems: parsed.flatMap((p) => p.problems) }
}

function analyze(texts: string[], input: Partial<AnalysisInput> = {}): Finding[] {
  const { objects, problems } = parse(...texts)
  return analyzeMesh({ snapshot: createSnapshot(1, objects), sourceProblems: problems, ...input }).findings
}

/** Findings as one line each (without the fix), easy to read in a failure. */
const lines = (findings: Finding[]): string[] => findings.map((f) => formatLogLine(f, false, false))
const codes = (findings: Finding[]): string[] => findings.map((f) => `${f.code} ${f.kind} ${f.namespace}/${f.name}`).sort()
const of = (findings: Finding[], analyzer: string): Finding[] => findings.filter((f) => f.analyzer === analyzer)

describe('the analysis of a healthy mesh', () => {
  it('finds nothing in the base mesh of these tests', () => {
    expect(lines(analyze([base, reviewsRoute(split)]))).toEqual([])
  })

  it('finds nothing in the demo mesh, as the demo writes it', () => {
    const seedDir = join(__dirname, '..', '..', 'resources', 'demo', 'mesh')
    const seed = readdirSync(seedDir).map((name) => readFileSync(join(seedDir, name), 'utf8'))
    const entries = renderWorkloadEntries(demoWorkloads.map((spec, i) => ({ spec, port: 41000 + i })))
    const { objects, problems } = parse(...seed, entries)
    expect(problems).toEqual([])
    const result = analyzeMesh({ snapshot: createSnapshot(1, objects) })
    expect(lines(result.findings)).toEqual([])
    expect(result.objects).toBe(objects.length)
    expect(result.analyzers).toEqual(analyzers.map((a) => a.name))
  })
})

describe('meshdeck.ConfigReadAnalyzer', () => {
  it('reports a document that does not parse at its file and line, and a kind that is not served', () => {
    const broken = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: broken\nspec: {}\n'
    const gateway = 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: g, namespace: demo }\nspec: {}\n'
    const findings = of(analyze([base, reviewsRoute(split), broken, gateway]), 'meshdeck.ConfigReadAnalyzer')
    expect(findings.map((f) => [f.code, f.level, f.file, f.line !== undefined])).toEqual([
      ['MDK0007', 'Error', 'mesh-2.yaml', true],
      ['MDK0008', 'Warning', 'mesh-3.yaml', true],
    ])
    expect(findings[0]?.message).toMatch(/YAML does not parse/)
  })

  it('is quiet when every file reads', () => {
    expect(of(analyze([base, reviewsRoute(split)]), 'meshdeck.ConfigReadAnalyzer')).toEqual([])
  })
})

describe('meshdeck.ProxylessGrpcAnalyzer', () => {
  it('reports what proxyless gRPC cannot be given (not served) and what it only approximates (served)', () => {
    const rule = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings, namespace: demo }
spec:
  host: ratings.demo.svc.cluster.local
  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } }
`
    const route = `    - name: split
      retries: { attempts: 2, perTryTimeout: 1s }
      route:
        - destination: { host: reviews.demo.svc.cluster.local, subset: v1 }
          weight: 60
        - destination: { host: reviews.demo.svc.cluster.local, subset: v2 }
          weight: 30
`
    const findings = of(analyze([base, rule, reviewsRoute(route)]), 'meshdeck.ProxylessGrpcAnalyzer')
    expect(findings.map((f) => [f.code, f.level, `${f.kind} ${f.namespace}/${f.name}`, f.field])).toEqual([
      ['MDK0001', 'Error', 'DestinationRule demo/ratings', 'spec.trafficPolicy.loadBalancer.simple'],
      ['MDK0002', 'Warning', 'VirtualService demo/reviews', 'spec.http[0].retries.perTryTimeout'],
      ['MDK0005', 'Warning', 'VirtualService demo/reviews', 'spec.http[0].route'],
    ])
    expect(findings[0]?.message).toBe('spec.trafficPolicy.loadBalancer.simple: LEAST_REQUEST is not available in gRPC clients.')
    expect(findings[0]?.fix).toBe('Use ROUND_ROBIN, or consistentHash for sticky routing.')
    // The line of the field itself, not of the object.
    expect(findings[0]?.line).toBe(7)
  })

  it('reports a VirtualService host that no service has, and a host two ServiceEntries declare', () => {
    const twin = base.replace('metadata: { name: ratings, namespace: demo }\nspec:\n  hosts: [ratings.demo.svc.cluster.local]', 'metadata: { name: ratings, namespace: demo }\nspec:\n  hosts: [reviews.demo.svc.cluster.local]')
    const findings = of(analyze([twin, reviewsRoute(split, 'ghost', '[ghost.demo.svc.cluster.local]')]), 'meshdeck.ProxylessGrpcAnalyzer')
    expect(codes(findings)).toEqual(['MDK0004 VirtualService demo/ghost', 'MDK0006 ServiceEntry demo/reviews'])
  })

  it('reports a value that is malformed or out of range (MDK0003) at its field', () => {
    const findings = of(analyze([base, reviewsRoute(split.replace('weight: 10', 'weight: 10\n      timeout: soon'))]), 'meshdeck.ProxylessGrpcAnalyzer')
    expect(findings.map((f) => [f.code, f.level, `${f.kind} ${f.namespace}/${f.name}`, f.field, f.message])).toEqual([
      ['MDK0003', 'Error', 'VirtualService demo/reviews', 'spec.http[0].timeout', 'spec.http[0].timeout: "soon" is not a duration.'],
    ])
  })

  it('is quiet on what proxyless gRPC serves as written', () => {
    expect(of(analyze([base, reviewsRoute(split.replace('weight: 10', 'weight: 10\n      timeout: 2s\n      retries: { attempts: 2, retryOn: unavailable }'))]), 'meshdeck.ProxylessGrpcAnalyzer')).toEqual([])
  })
})

describe('virtualservice.DestinationHostAnalyzer', () => {
  it('reports a destination host that does not exist (IST0101), suggesting the near one, and a port the host does not serve', () => {
    const route = `    - route:
        - destination: { host: reviws }
    - match: [{ headers: { x-port: { exact: "1" } } }]
      route:
        - destination: { host: reviews, port: { number: 9090 } }
`
    const findings = of(analyze([base, reviewsRoute(route)]), 'virtualservice.DestinationHostAnalyzer')
    expect(lines(findings)).toEqual([
      'Error [IST0101] (VirtualService demo/reviews mesh-1.yaml:9) Referenced host not found: "reviws"',
      'Error [IST0101] (VirtualService demo/reviews mesh-1.yaml:12) Referenced host:port not found: "reviews:9090"',
    ])
    expect(findings[0]?.fix).toMatch(/^Did you mean reviews\?/)
  })

  it('reports a destination on a service with several ports that does not say which (IST0112)', () => {
    const details = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: details, namespace: demo }
spec:
  hosts: [details.demo.svc.cluster.local]
  ports: [{ number: 8080, name: grpc, protocol: GRPC }, { number: 8081, name: admin, protocol: GRPC }]
  resolution: STATIC
  endpoints: [{ address: 127.0.0.1, ports: { grpc: 41010, admin: 41011 } }]
`
    const findings = of(analyze([base, details, reviewsRoute('    - route:\n        - destination: { host: details.demo.svc.cluster.local }\n')]), 'virtualservice.DestinationHostAnalyzer')
    expect(lines(findings)).toEqual([
      'Error [IST0112] (VirtualService demo/reviews mesh-2.yaml:9) This VirtualService routes to a service "details.demo.svc.cluster.local" that exposes multiple ports [8080 8081]. Specifying a port in the destination is required to disambiguate.',
    ])
  })

  it('is quiet on hosts that exist, by full or short name, and on ports they serve', () => {
    const route = '    - route:\n        - destination: { host: ratings }\n    - route:\n        - destination: { host: reviews.demo.svc.cluster.local, port: { number: 9080 } }\n'
    expect(of(analyze([base, reviewsRoute(route)]), 'virtualservice.DestinationHostAnalyzer')).toEqual([])
  })
})

describe('virtualservice.DestinationRuleAnalyzer', () => {
  it('reports a subset the DestinationRule does not define (IST0101), in Istio\'s words, at the subset\'s line', () => {
    const findings = of(analyze([base, reviewsRoute(split.replace('subset: v2', 'subset: v3'))]), 'virtualservice.DestinationRuleAnalyzer')
    expect(lines(findings)).toEqual(['Error [IST0101] (VirtualService demo/reviews mesh-1.yaml:12) Referenced host+subset in destinationrule not found: "reviews.demo.svc.cluster.local+v3"'])
    expect(findings[0]?.related).toEqual(['DestinationRule demo/reviews'])
    expect(findings[0]?.fix).toContain('Define subset v3 in DestinationRule demo/reviews (it defines v1 and v2)')
  })

  it('is quiet on subsets the DestinationRule defines', () => {
    expect(of(analyze([base, reviewsRoute(split)]), 'virtualservice.DestinationRuleAnalyzer')).toEqual([])
  })
})

describe('virtualservice.ConflictingMeshGatewayHostsAnalyzer', () => {
  it('reports two VirtualServices for one host on both (IST0109)', () => {
    const findings = of(analyze([base, reviewsRoute(split), reviewsRoute(split, 'reviews-2', '[reviews]')]), 'virtualservice.ConflictingMeshGatewayHostsAnalyzer')
    const message =
      'The VirtualServices demo/reviews,demo/reviews-2 associated with mesh gateway define the same host */reviews.demo.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.'
    expect(findings.map((f) => [f.code, f.name, f.message])).toEqual([
      ['IST0109', 'reviews', message],
      ['IST0109', 'reviews-2', message],
    ])
    expect(findings[0]?.fix).toContain('serves only demo/reviews')
  })

  it('is quiet when the second VirtualService is bound to a gateway only', () => {
    const gatewayOnly = reviewsRoute(split, 'reviews-ingress').replace('  hosts:', '  gateways: [ingress]\n  hosts:')
    expect(of(analyze([base, reviewsRoute(split), gatewayOnly]), 'virtualservice.ConflictingMeshGatewayHostsAnalyzer')).toEqual([])
  })
})

describe('virtualservice.UnreachableRuleAnalyzer', () => {
  const matched = (name: string, match: string): string => `    - name: ${name}\n      match: [${match}]\n      route:\n        - destination: { host: reviews.demo.svc.cluster.local, subset: v2 }\n`
  const catchAll = '    - name: all\n      route:\n        - destination: { host: reviews.demo.svc.cluster.local, subset: v1 }\n'

  it('reports a rule after a catch-all (IST0130), after a rule on every path (IST0130), and matches taken before (IST0131)', () => {
    const afterCatchAll = analyze([base, reviewsRoute(catchAll + matched('testers', '{ headers: { x-user: { exact: tester } } }'))])
    expect(lines(of(afterCatchAll, 'virtualservice.UnreachableRuleAnalyzer'))).toEqual([
      'Warning [IST0130] (VirtualService demo/reviews mesh-1.yaml:11) VirtualService rule "testers" not used (route without matches defined before).',
    ])
    const afterSlash = analyze([base, reviewsRoute(matched('everything', '{ uri: { prefix: / } }') + matched('testers', '{ headers: { x-user: { exact: tester } } }'))])
    expect(lines(of(afterSlash, 'virtualservice.UnreachableRuleAnalyzer'))).toEqual([
      'Warning [IST0130] (VirtualService demo/reviews mesh-1.yaml:12) VirtualService rule "testers" not used (rule "everything" matches every request).',
    ])
    const repeated = analyze([
      base,
      reviewsRoute(matched('a', '{ uri: { prefix: /demo. } }') + matched('b', '{ headers: { x-user: { exact: tester } } }') + matched('c', '{ headers: { x-user: { exact: tester } } }, { uri: { prefix: /demo.Reviews/ } }') + catchAll),
    ])
    expect(lines(of(repeated, 'virtualservice.UnreachableRuleAnalyzer'))).toEqual([
      'Info [IST0131] (VirtualService demo/reviews mesh-1.yaml:17) VirtualService rule "c" match #0 is not used (duplicate/overlapping match in rule "b").',
      'Info [IST0131] (VirtualService demo/reviews mesh-1.yaml:17) VirtualService rule "c" match #1 of prefix /demo.Reviews/ is not used (duplicate/overlapping match in rule #0 of prefix /demo. on "a").',
    ])
  })

  it('is quiet when the catch-all comes last', () => {
    expect(of(analyze([base, reviewsRoute(matched('testers', '{ headers: { x-user: { exact: tester } } }') + catchAll)]), 'virtualservice.UnreachableRuleAnalyzer')).toEqual([])
  })
})

describe('virtualservice.RouteWeightAnalyzer', () => {
  it('reports weights that are all zero (IST0106) and a weight on a subset no endpoint serves (MDK0019)', () => {
    const zero = analyze([base, reviewsRoute(split.replace('weight: 90', 'weight: 0').replace('weight: 10', 'weight: 0'))])
    expect(lines(of(zero, 'virtualservice.RouteWeightAnalyzer'))).toEqual(['Error [IST0106] (VirtualService demo/reviews mesh-1.yaml:9) Schema validation error: total destination weight = 0'])
    const v3 = base.replace('    - { name: v2, labels: { version: v2 } }', '    - { name: v2, labels: { version: v2 } }\n    - { name: v3, labels: { version: v3 } }')
    const toV3 = analyze([v3, reviewsRoute(split.replace('subset: v2', 'subset: v3'))])
    expect(lines(of(toV3, 'virtualservice.RouteWeightAnalyzer'))).toEqual([
      'Error [MDK0019] (VirtualService demo/reviews mesh-1.yaml:13) VirtualService rule "split" sends 10% of its requests to reviews.demo.svc.cluster.local+v3, which has no endpoints: those calls fail with UNAVAILABLE.',
    ])
    expect(of(toV3, 'virtualservice.RouteWeightAnalyzer')[0]?.fix).toBe('Start workloads with labels version=v3 for reviews.demo.svc.cluster.local, or move this weight to reviews.demo.svc.cluster.local+v1.')
  })

  it('is quiet on a subset without endpoints that gets no traffic', () => {
    const v3 = base.replace('    - { name: v2, labels: { version: v2 } }', '    - { name: v2, labels: { version: v2 } }\n    - { name: v3, labels: { version: v3 } }')
    const idle = `${split}        - destination: { host: reviews.demo.svc.cluster.local, subset: v3 }\n          weight: 0\n`
    expect(of(analyze([v3, reviewsRoute(idle)]), 'virtualservice.RouteWeightAnalyzer')).toEqual([])
  })
})

describe('virtualservice.RetryBudgetAnalyzer', () => {
  it('reports a timeout shorter than the retries it allows (MDK0012)', () => {
    const findings = of(analyze([base, reviewsRoute(`${split}      timeout: 1s\n      retries: { attempts: 3, perTryTimeout: 500ms }\n`)]), 'virtualservice.RetryBudgetAnalyzer')
    expect(lines(findings)).toEqual([
      'Warning [MDK0012] (VirtualService demo/reviews mesh-1.yaml:14) VirtualService rule "split" has timeout 1s, shorter than its retry budget 2s (4 attempt(s) of perTryTimeout 500ms), so the last attempts never run.',
    ])
  })

  it('is quiet when the timeout covers every attempt', () => {
    expect(of(analyze([base, reviewsRoute(`${split}      timeout: 3s\n      retries: { attempts: 3, perTryTimeout: 500ms }\n`)]), 'virtualservice.RetryBudgetAnalyzer')).toEqual([])
  })
})

describe('destinationrule.SubsetSelectPodAnalyzer', () => {
  it('reports a subset no endpoint has the labels of (IST0173) and a rule for a host no service has (IST0174)', () => {
    const v3 = base.replace('    - { name: v2, labels: { version: v2 } }', '    - { name: v2, labels: { version: v2 } }\n    - { name: v3, labels: { version: v3 } }')
    const stray = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: stray, namespace: demo }\nspec: { host: reviewz.demo.svc.cluster.local }\n'
    const findings = of(analyze([v3, reviewsRoute(split), stray]), 'destinationrule.SubsetSelectPodAnalyzer')
    expect(lines(findings)).toEqual([
      'Error [IST0173] (DestinationRule demo/reviews mesh-0.yaml:43) The Subset v3 defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).',
      'Warning [IST0174] (DestinationRule demo/stray mesh-2.yaml:4) The host reviewz.demo.svc.cluster.local defined in the DestinationRule does not match any services in the mesh.',
    ])
    expect(findings[0]?.fix).toContain('its endpoints have version=v1 and version=v2')
    expect(findings[1]?.fix).toMatch(/^Did you mean reviews.demo.svc.cluster.local\?/)
  })

  it('counts a cluster Pod that is not ready yet as serving its subset, as Istio counts pods', () => {
    // reviews' workloads are Pods that are not behind any endpoint yet: no endpoint has the labels.
    const podsOnly = base.replace(/apiVersion: networking.istio.io\/v1\nkind: WorkloadEntry\nmetadata: \{ name: reviews-v\d[^]*?---\n/g, '')
    const pod = (version: string) => ({ uid: version, name: `reviews-${version}`, namespace: 'demo', labels: { app: 'reviews', version }, serviceAccount: 'reviews' })
    expect(codes(of(analyze([podsOnly, reviewsRoute(split)]), 'destinationrule.SubsetSelectPodAnalyzer'))).toEqual(['IST0173 DestinationRule demo/reviews', 'IST0173 DestinationRule demo/reviews'])
    expect(of(analyze([podsOnly, reviewsRoute(split)], { pods: [pod('v1'), pod('v2')] }), 'destinationrule.SubsetSelectPodAnalyzer')).toEqual([])
  })

  it('is quiet when every subset has endpoints', () => {
    expect(of(analyze([base, reviewsRoute(split)]), 'destinationrule.SubsetSelectPodAnalyzer')).toEqual([])
  })
})

describe('destinationrule.MultipleDestinationRulesAnalyzer', () => {
  it('reports a second DestinationRule for a host on the one that is not used (MDK0010)', () => {
    const second = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: reviews-tls, namespace: demo }\nspec:\n  host: reviews\n  trafficPolicy: { tls: { mode: ISTIO_MUTUAL } }\n'
    const findings = of(analyze([base, reviewsRoute(split), second]), 'destinationrule.MultipleDestinationRulesAnalyzer')
    expect(lines(findings)).toEqual([
      'Warning [MDK0010] (DestinationRule demo/reviews-tls mesh-2.yaml:5) DestinationRules demo/reviews, demo/reviews-tls all apply to host reviews.demo.svc.cluster.local; the control plane uses only demo/reviews.',
    ])
  })

  it('is quiet with one rule per host', () => {
    expect(of(analyze([base, reviewsRoute(split)]), 'destinationrule.MultipleDestinationRulesAnalyzer')).toEqual([])
  })
})

describe('serviceentry.ConflictingServiceEntryProtocolAnalyzer', () => {
  const other = (protocol: string): string =>
    `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: reviews-http, namespace: shop }\nspec:\n  hosts: [reviews.demo.svc.cluster.local]\n  ports: [{ number: 9080, name: grpc, protocol: ${protocol} }]\n  resolution: STATIC\n`

  it('reports ServiceEntries that give one host and port different protocols, on each (IST0177)', () => {
    const findings = of(analyze([base, reviewsRoute(split), other('HTTP')]), 'serviceentry.ConflictingServiceEntryProtocolAnalyzer')
    const message = 'Multiple ServiceEntries (demo/reviews, shop/reviews-http) define the same host "reviews.demo.svc.cluster.local" and port 9080 with conflicting protocols (GRPC, HTTP).'
    expect(findings.map((f) => [f.code, `${f.namespace}/${f.name}`, f.message])).toEqual([
      ['IST0177', 'demo/reviews', message],
      ['IST0177', 'shop/reviews-http', message],
    ])
  })

  it('is quiet when they agree on the protocol (the duplicate host is MDK0006\'s)', () => {
    const findings = analyze([base, reviewsRoute(split), other('GRPC')])
    expect(of(findings, 'serviceentry.ConflictingServiceEntryProtocolAnalyzer')).toEqual([])
    expect(codes(findings.filter((f) => f.code === 'MDK0006'))).toEqual(['MDK0006 ServiceEntry shop/reviews-http'])
  })
})

describe('serviceentry.WorkloadSelectorAnalyzer', () => {
  it('reports a ServiceEntry selector that selects nothing (IST0127) and a WorkloadEntry no service selects (MDK0009)', () => {
    const orphan = 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: detail-v1, namespace: demo }\nspec: { address: 127.0.0.1, labels: { app: detail } }\n'
    const lonely = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: details, namespace: demo }\nspec:\n  hosts: [details.demo.svc.cluster.local]\n  ports: [{ number: 9080, name: grpc }]\n  workloadSelector: { labels: { app: details } }\n'
    const findings = of(analyze([base, reviewsRoute(split), orphan, lonely]), 'serviceentry.WorkloadSelectorAnalyzer')
    expect(lines(findings)).toEqual([
      'Warning [MDK0009] (WorkloadEntry demo/detail-v1 mesh-2.yaml:4) WorkloadEntry demo/detail-v1 with labels app=detail is selected by no ServiceEntry or Service, so no client is sent to it.',
      'Warning [IST0127] (ServiceEntry demo/details mesh-3.yaml:7) No matching workloads for this resource with the following labels: app=details',
    ])
  })

  it('is quiet when every selector selects and every WorkloadEntry is selected', () => {
    expect(of(analyze([base, reviewsRoute(split)]), 'serviceentry.WorkloadSelectorAnalyzer')).toEqual([])
  })
})

const policy = (name: string, spec: string, namespace = 'demo'): string => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n${spec}`

describe('auth.AuthorizationPoliciesAnalyzer', () => {
  it('reports a selector that selects no workload (IST0127) and a namespace that does not exist (IST0101)', () => {
    const findings = of(
      analyze([base, policy('typo', '  selector: { matchLabels: { app: reveiws } }\n  rules:\n    - from:\n        - source: { namespaces: [frontnd] }\n')]),
      'auth.AuthorizationPoliciesAnalyzer',
    )
    expect(lines(findings)).toEqual([
      'Error [IST0101] (AuthorizationPolicy demo/typo mesh-1.yaml:8) Referenced namespace not found: "frontnd"',
      'Warning [IST0127] (AuthorizationPolicy demo/typo mesh-1.yaml:5) No matching workloads for this resource with the following labels: app=reveiws',
    ])
  })

  it('takes the cluster\'s namespaces when it knows them, and is quiet on ones that exist', () => {
    const spec = '  selector: { matchLabels: { app: reviews } }\n  rules:\n    - from:\n        - source: { namespaces: [frontend, "dem*"] }\n'
    expect(of(analyze([base, policy('ok', spec)], { namespaces: ['demo', 'frontend'] }), 'auth.AuthorizationPoliciesAnalyzer')).toEqual([])
    expect(codes(of(analyze([base, policy('ok', spec)]), 'auth.AuthorizationPoliciesAnalyzer'))).toEqual(['IST0101 AuthorizationPolicy demo/ok'])
  })
})

describe('auth.AllowNothingAnalyzer', () => {
  it('reports an ALLOW policy whose rules were left out: it denies every request (MDK0013)', () => {
    const findings = of(analyze([base, policy('reviews', '  selector: { matchLabels: { app: reviews } }\n  action: ALLOW\n')]), 'auth.AllowNothingAnalyzer')
    expect(lines(findings)).toEqual(['Warning [MDK0013] (AuthorizationPolicy demo/reviews mesh-1.yaml:6) This ALLOW policy has no rules, so it allows nothing: every request to the workloads with labels app=reviews is denied.'])
  })

  it("is quiet on Istio's allow-nothing idiom (spec: {}) and on ALLOW policies with rules", () => {
    expect(of(analyze([base, policy('deny-all', '  {}\n')]), 'auth.AllowNothingAnalyzer')).toEqual([])
    expect(of(analyze([base, policy('reviews', '  action: ALLOW\n  rules: [{}]\n')]), 'auth.AllowNothingAnalyzer')).toEqual([])
  })
})

describe('auth.PrincipalAnalyzer', () => {
  it('reports principals no workload can present: an unknown service account, another trust domain, a malformed one (MDK0014)', () => {
    const spec = '  selector: { matchLabels: { app: reviews } }\n  rules:\n    - from:\n        - source: { principals: [cluster.local/ns/demo/sa/productpage, example.org/ns/demo/sa/ratings, ratings] }\n'
    const findings = of(analyze([base, policy('callers', spec)]), 'auth.PrincipalAnalyzer')
    expect(findings.map((f) => f.message)).toEqual([
      'Principal "cluster.local/ns/demo/sa/productpage" matches no workload identity: no workload in namespace demo runs as service account productpage.',
      'Principal "example.org/ns/demo/sa/ratings" matches no workload identity: its trust domain example.org is not the mesh\'s (cluster.local).',
      'Principal "ratings" matches no workload identity: it is not of the form cluster.local/ns/<namespace>/sa/<service account>.',
    ])
  })

  it('is quiet on identities workloads have, on wildcards that match one, and on identities the CA issued', () => {
    const spec = '  selector: { matchLabels: { app: reviews } }\n  rules:\n    - from:\n        - source: { principals: [cluster.local/ns/demo/sa/ratings, "cluster.local/ns/demo/*", "*", cluster.local/ns/demo/sa/loadgen] }\n'
    expect(of(analyze([base, policy('callers', spec)], { identities: ['spiffe://cluster.local/ns/demo/sa/loadgen'] }), 'auth.PrincipalAnalyzer')).toEqual([])
  })
})

describe('peerauthentication.SelectorAnalyzer', () => {
  const pa = (name: string, spec: string): string => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: ${name}, namespace: demo }\nspec:\n${spec}`

  it('reports a selector that selects nothing (IST0127) and port-level mTLS on a port no selected workload serves (MDK0011)', () => {
    const findings = of(
      analyze([base, pa('typo', '  selector: { matchLabels: { app: ratngs } }\n  mtls: { mode: STRICT }\n'), pa('by-port', '  selector: { matchLabels: { app: reviews } }\n  portLevelMtls:\n    9080: { mode: STRICT }\n')]),
      'peerauthentication.SelectorAnalyzer',
    )
    expect(lines(findings)).toEqual([
      'Warning [IST0127] (PeerAuthentication demo/typo mesh-1.yaml:5) No matching workloads for this resource with the following labels: app=ratngs',
      'Warning [MDK0011] (PeerAuthentication demo/by-port mesh-2.yaml:7) portLevelMtls sets port 9080, which no workload this PeerAuthentication selects serves (demo/reviews-v1 serves 41001 and demo/reviews-v2 serves 41002).',
    ])
  })

  it('is quiet on a port the workloads listen on', () => {
    expect(of(analyze([base, pa('by-port', '  selector: { matchLabels: { app: reviews, version: v1 } }\n  portLevelMtls:\n    41001: { mode: STRICT }\n')]), 'peerauthentication.SelectorAnalyzer')).toEqual([])
  })
})

describe('auth.MTLSAnalyzer', () => {
  const pa = (name: string, spec: string, namespace = 'demo'): string => `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec:\n${spec}`
  const tls = (mode: string): string => base.replace('  host: reviews.demo.svc.cluster.local\n  subsets:', `  host: reviews.demo.svc.cluster.local\n  trafficPolicy: { tls: { mode: ${mode} } }\n  subsets:`)

  it('reports a DestinationRule that turns mTLS off towards a STRICT server, on both, in Istio\'s words (IST0113)', () => {
    const findings = of(analyze([tls('DISABLE'), reviewsRoute(split), pa('reviews-strict', '  selector: { matchLabels: { app: reviews } }\n  mtls: { mode: STRICT }\n')]), 'auth.MTLSAnalyzer')
    const message =
      'A DestinationRule and Policy are in conflict with regards to mTLS for host reviews.demo.svc.cluster.local. The DestinationRule "demo/reviews" specifies that mTLS must be false but the Policy object "demo/reviews-strict" specifies STRICT.'
    expect(findings.map((f) => [f.code, f.level, `${f.kind} ${f.namespace}/${f.name}`, f.message])).toEqual([
      ['IST0113', 'Error', 'DestinationRule demo/reviews', message],
      ['IST0113', 'Error', 'PeerAuthentication demo/reviews-strict', message],
    ])
  })

  it('reports what proxyless servers cannot do: mTLS to a PERMISSIVE server (MDK0015), STRICT on some endpoints only (MDK0016)', () => {
    const permissive = of(analyze([tls('ISTIO_MUTUAL'), reviewsRoute(split)]), 'auth.MTLSAnalyzer')
    expect(codes(permissive)).toEqual(['MDK0015 DestinationRule demo/reviews', 'MDK0015 DestinationRule demo/reviews'])
    const mixed = of(analyze([base, reviewsRoute(split), pa('v1-strict', '  selector: { matchLabels: { app: reviews, version: v1 } }\n  mtls: { mode: STRICT }\n')]), 'auth.MTLSAnalyzer')
    expect(codes(mixed)).toEqual(['MDK0016 PeerAuthentication demo/default'])
    expect(mixed[0]?.message).toContain('Only some endpoints of reviews.demo.svc.cluster.local:9080 are STRICT (demo/reviews-v1)')
  })

  it('reports port settings Istio refuses (IST0106), PeerAuthentications Istio ignores (MDK0017) and identity rules without mTLS (MDK0018)', () => {
    const portLevel = of(analyze([base.replace('spec: { mtls: { mode: PERMISSIVE } }', 'spec: { mtls: { mode: PERMISSIVE }, portLevelMtls: { 41001: { mode: STRICT } } }')]), 'auth.MTLSAnalyzer')
    expect(lines(portLevel)).toEqual(['Error [IST0106] (PeerAuthentication demo/default mesh-0.yaml:47) Schema validation error: mesh/namespace peer authentication cannot have port level mTLS'])
    const twice = of(analyze([base, pa('second', '  mtls: { mode: STRICT }\n')]), 'auth.MTLSAnalyzer')
    expect(codes(twice)).toEqual(['MDK0017 PeerAuthentication demo/default', 'MDK0017 PeerAuthentication demo/second'])
    const off = of(
      analyze([base.replace('mode: PERMISSIVE', 'mode: DISABLE'), policy('callers', '  selector: { matchLabels: { app: reviews } }\n  rules:\n    - from:\n        - source: { principals: [cluster.local/ns/demo/sa/ratings] }\n')]),
      'auth.MTLSAnalyzer',
    )
    expect(codes(off)).toEqual(['MDK0018 AuthorizationPolicy demo/callers'])
  })

  it('is quiet when callers follow the servers (auto mTLS) and one policy applies per level', () => {
    expect(of(analyze([base, reviewsRoute(split), pa('reviews-strict', '  selector: { matchLabels: { app: reviews } }\n  mtls: { mode: STRICT }\n')]), 'auth.MTLSAnalyzer')).toEqual([])
  })
})

describe('validation and analysis name the same problems', () => {
  it('reports, for every validation problem with an Istio code, a finding with that code on that object', () => {
    const twoVs = [base, reviewsRoute(split.replace('subset: v2', 'subset: v3').replace('weight: 90', 'weight: 0').replace('weight: 10', 'weight: 0')), reviewsRoute(split, 'reviews-2')]
    const stray = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: stray, namespace: demo }\nspec: { host: nowhere }\n'
    const ghost = reviewsRoute('    - route:\n        - destination: { host: ghost, port: { number: 1 } }\n        - destination: { host: reviews, port: { number: 7 } }\n', 'ghost', '[ratings]')
    const { objects } = parse(...twoVs, stray, ghost)
    const snapshot = createSnapshot(1, objects)
    const istioProblems = validateMesh(snapshot).filter((p) => p.code?.startsWith('IST'))
    expect(new Set(istioProblems.map((p) => p.code))).toEqual(
      new Set([problemCodes.referencedResourceNotFound, problemCodes.conflictingVirtualServiceHosts, problemCodes.schemaValidationError, problemCodes.unknownDestinationRuleHost]),
    )
    const findings = analyzeMesh({ snapshot }).findings
    for (const problem of istioProblems) {
      expect(findings.some((f) => f.code === problem.code && f.kind === problem.kind && f.namespace === problem.namespace && f.name === problem.name), `${problem.code} ${problem.kind}/${problem.name}: ${problem.message}`).toBe(true)
    }
  })
})
