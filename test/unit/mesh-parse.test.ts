import { describe, expect, it } from 'vitest'
import { createSnapshot, maxYamlAliasExpansions, parseMeshYaml, validateMesh } from '../../src/main/mesh'

describe('parseMeshYaml', () => {
  it('reads every document of a multi-document file with its line', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: a, namespace: demo }
spec: { hosts: [a.demo], ports: [{ number: 1, name: grpc }] }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: a-1 }
spec: { address: 127.0.0.1 }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: strict }
spec: { mtls: { mode: STRICT } }
`
    const parsed = parseMeshYaml(text, 'a.yaml')
    expect(parsed.problems).toEqual([])
    expect(parsed.objects.map((o) => [o.kind, o.namespace, o.name, o.source?.line])).toEqual([
      ['ServiceEntry', 'demo', 'a', 1],
      ['WorkloadEntry', 'default', 'a-1', 6],
      // security.istio.io kinds are read too: the CA side turns them into TLS and RBAC.
      ['PeerAuthentication', 'default', 'strict', 11],
    ])
  })

  it('names the group a security kind needs', () => {
    const parsed = parseMeshYaml('apiVersion: networking.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: x }\nspec: {}\n', 'p.yaml')
    expect(parsed.objects).toEqual([])
    expect(parsed.problems).toEqual([expect.objectContaining({ severity: 'error', message: 'apiVersion "networking.istio.io/v1" is not security.istio.io.', source: { file: 'p.yaml', line: 1 } })])
  })

  it('reports broken YAML with the file and line, and keeps the good documents', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: ok }
spec: { address: 127.0.0.1 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: broken
spec: {}
`
    const parsed = parseMeshYaml(text, 'b.yaml')
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok'])
    expect(parsed.problems[0]).toMatchObject({ severity: 'error', source: { file: 'b.yaml', line: expect.any(Number) } })
    expect(parsed.problems[0]?.source?.line).toBeGreaterThanOrEqual(8)
    expect(parsed.problems[0]?.message).toMatch(/YAML does not parse/)
  })

  it('names missing names and unknown kinds', () => {
    const parsed = parseMeshYaml(
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {}\nspec: {}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: g }\nspec: {}\n`,
      'c.yaml',
    )
    expect(parsed.problems.map((p) => [p.severity, p.field ?? '', p.source?.line])).toEqual([
      ['error', 'metadata.name', 1],
      ['warning', '', 6],
    ])
  })

  it('refuses a document whose aliases expand past the limit, at its line, and keeps the others', () => {
    let bomb = 'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: bomb }\nspec:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
    for (let i = 1; i < 10; i++) bomb += `  a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`
    const ok = 'apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: ok }\nspec: { address: 127.0.0.1 }\n'
    const started = Date.now()
    const parsed = parseMeshYaml(`${ok}---\n${bomb}---\n${ok.replace('name: ok', 'name: ok-2')}`, 'bomb.yaml')
    expect(Date.now() - started).toBeLessThan(2000)
    expect(parsed.objects.map((o) => o.name)).toEqual(['ok', 'ok-2'])
    expect(parsed.problems).toEqual([expect.objectContaining({ severity: 'error', source: { file: 'bomb.yaml', line: 6 } })])
    expect(parsed.problems[0]?.message).toContain(`past ${maxYamlAliasExpansions}`)
  })

  it('still reads a document that uses a few aliases', () => {
    const parsed = parseMeshYaml(
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: a }\nspec:\n  hosts: [a.demo]\n  ports: [&p { number: 1, name: grpc }]\n  endpoints: [{ address: 127.0.0.1, ports: { grpc: 1 } }]\n  x: [*p, *p, *p]\n',
      'a.yaml',
    )
    expect(parsed.problems.filter((p) => p.message.includes('alias'))).toEqual([])
  })

  it('points a problem with a field at the line of that field, with its code', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: reviews, namespace: demo }
spec: { hosts: [reviews.demo.svc.cluster.local], ports: [{ number: 9080, name: grpc }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: demo
spec:
  hosts: [reviews.demo.svc.cluster.local]
  http:
    - route:
        - destination:
            host: reviews.demo.svc.cluster.local
            subset: v9
`
    const parsed = parseMeshYaml(text, 'reviews.yaml')
    expect(parsed.objects[1]?.source?.fields?.['spec.http[0].route[0].destination.subset']).toBe(17)
    const problems = validateMesh(createSnapshot(1, parsed.objects))
    expect(problems).toEqual([
      expect.objectContaining({ code: 'IST0101', field: 'spec.http[0].route[0].destination.subset', source: { file: 'reviews.yaml', line: 17 } }),
    ])
  })

  it('gives objects without a namespace the one it is told (kubectl uses the context\'s)', () => {
    const parsed = parseMeshYaml('apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: { name: a }\nspec: { address: 127.0.0.1 }\n', 'a.yaml', 'shop')
    expect(parsed.objects.map((o) => o.namespace)).toEqual(['shop'])
  })
})
