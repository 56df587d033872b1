import { describe, expect, it } from 'vitest'
import { DestinationRule, type IDestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1/DestinationRule'
import { AuthorizationPolicy } from '@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy'
import { PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication'
import {
  authorizationFor,
  clientTlsMode,
  destinationRuleFor,
  detectConflicts,
  effectivePeerAuthentication,
  evaluateAuthorization,
  peerAuthenticationForPort,
  type AuthorizationPolicyLike,
  type DestinationRuleLike,
  type MeshPolicyInput,
  type PeerAuthenticationLike,
  type PolicyWorkload,
  type RequestAttributes,
} from '../../src/main/security'

type Mode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT'
let age = 0
function pa(ns: string, name: string, mode?: Mode, extra: Omit<NonNullable<PeerAuthenticationLike['spec']>, 'mtls'> = {}): PeerAuthenticationLike {
  // Typed Istio models go in unchanged: the policy logic takes @kubernetes-models/istio objects.
  return new PeerAuthentication({
    metadata: { namespace: ns, name, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, ++age)).toISOString() },
    spec: { ...(mode ? { mtls: { mode } } : {}), ...extra },
  })
}
const checkout: PolicyWorkload = { namespace: 'shop', name: 'checkout', serviceAccount: 'checkout', labels: { app: 'checkout', version: 'v1' } }

describe('effective PeerAuthentication (Istio precedence)', () => {
  it('is PERMISSIVE by Istio default when no policy exists', () => {
    expect(effectivePeerAuthentication([], checkout)).toMatchObject({ mode: 'PERMISSIVE', source: 'default', policy: null })
  })

  it('takes the mesh-wide policy from the root namespace', () => {
    expect(effectivePeerAuthentication([pa('istio-system', 'default', 'STRICT')], checkout)).toMatchObject({
      mode: 'STRICT',
      source: 'mesh',
      policy: 'PeerAuthentication istio-system/default',
    })
  })

  it('lets a namespace policy override the mesh, and a workload policy override both', () => {
    const policies = [pa('istio-system', 'mesh', 'STRICT'), pa('shop', 'ns', 'PERMISSIVE')]
    expect(effectivePeerAuthentication(policies, checkout)).toMatchObject({ mode: 'PERMISSIVE', source: 'namespace' })
    const withWorkload = [...policies, pa('shop', 'wl', 'DISABLE', { selector: { matchLabels: { app: 'checkout' } } })]
    expect(effectivePeerAuthentication(withWorkload, checkout)).toMatchObject({ mode: 'DISABLE', source: 'workload', policy: 'PeerAuthentication shop/wl' })
  })

  it('inherits from the level above when a policy is UNSET or has no mtls', () => {
    const policies = [pa('istio-system', 'mesh', 'STRICT'), pa('shop', 'ns', 'UNSET'), pa('shop', 'wl', undefined, { selector: { matchLabels: { app: 'checkout' } } })]
    expect(effectivePeerAuthentication(policies, checkout)).toMatchObject({ mode: 'STRICT', source: 'mesh' })
  })

  it('ignores policies of other namespaces and selectors that do not match', () => {
    const policies = [pa('other', 'ns', 'STRICT'), pa('shop', 'wl', 'STRICT', { selector: { matchLabels: { app: 'payments' } } })]
    expect(effectivePeerAuthentication(policies, checkout)).toMatchObject({ mode: 'PERMISSIVE', source: 'default' })
  })

  it('ignores a selector policy in the root namespace, as Istio does', () => {
    const policies = [pa('istio-system', 'sel', 'STRICT', { selector: { matchLabels: { app: 'checkout' } } })]
    expect(effectivePeerAuthentication(policies, checkout).mode).toBe('PERMISSIVE')
  })

  it('honours a custom root namespace', () => {
    expect(effectivePeerAuthentication([pa('mesh-root', 'default', 'STRICT')], checkout, 'mesh-root').mode).toBe('STRICT')
    expect(effectivePeerAuthentication([pa('mesh-root', 'default', 'STRICT')], checkout).mode).toBe('PERMISSIVE')
  })

  it('uses the oldest of two namespace-wide policies', () => {
    const older = pa('shop', 'b-older', 'DISABLE')
    const newer = pa('shop', 'a-newer', 'STRICT')
    expect(effectivePeerAuthentication([newer, older], checkout)).toMatchObject({ mode: 'DISABLE', policy: 'PeerAuthentication shop/b-older' })
  })

  it('applies portLevelMtls of a workload policy per port; UNSET on a port inherits the workload mode', () => {
    const policies = [
      pa('istio-system', 'mesh', 'PERMISSIVE'),
      pa('shop', 'wl', 'STRICT', { selector: { matchLabels: { app: 'checkout' } }, portLevelMtls: { '8080': { mode: 'DISABLE' }, '9090': { mode: 'UNSET' } } }),
    ]
    const effective = effectivePeerAuthentication(policies, checkout)
    expect(peerAuthenticationForPort(effective, 8080)).toEqual({ mode: 'DISABLE', source: 'port', policy: 'PeerAuthentication shop/wl' })
    expect(peerAuthenticationForPort(effective, 9090)).toMatchObject({ mode: 'STRICT', source: 'workload' })
    expect(peerAuthenticationForPort(effective, 7070)).toMatchObject({ mode: 'STRICT', source: 'workload' })
  })

  it('ignores portLevelMtls on a namespace-wide policy', () => {
    const effective = effectivePeerAuthentication([pa('shop', 'ns', 'STRICT', { portLevelMtls: { '8080': { mode: 'DISABLE' } } })], checkout)
    expect(peerAuthenticationForPort(effective, 8080)).toMatchObject({ mode: 'STRICT', source: 'namespace' })
  })
})

function dr(ns: string, name: string, spec: NonNullable<IDestinationRule['spec']>): DestinationRuleLike {
  return new DestinationRule({ metadata: { namespace: ns, name }, spec })
}
const host = 'checkout.shop.svc.cluster.local'

describe('DestinationRule TLS mode per destination', () => {
  it('uses auto mTLS when no rule sets TLS: ISTIO_MUTUAL, or plaintext towards a DISABLE server', () => {
    expect(clientTlsMode([], { host, port: 80 }, 'web')).toEqual({ mode: 'ISTIO_MUTUAL', source: 'auto-mtls', rule: null })
    expect(clientTlsMode([], { host, port: 80, serverMode: 'DISABLE' }, 'web')).toMatchObject({ mode: 'DISABLE', source: 'no-tls-settings' })
    expect(clientTlsMode([], { host, port: 80 }, 'web', { autoMtls: false })).toMatchObject({ mode: 'DISABLE' })
  })

  it('resolves a short host relative to the rule namespace and takes the rule TLS mode', () => {
    const rules = [dr('shop', 'checkout', { host: 'checkout', trafficPolicy: { tls: { mode: 'DISABLE' } } })]
    expect(clientTlsMode(rules, { host, port: 80 }, 'web')).toEqual({ mode: 'DISABLE', source: 'destination-rule', rule: 'DestinationRule shop/checkout' })
    expect(clientTlsMode(rules, { host: 'checkout.other.svc.cluster.local', port: 80 }, 'web').source).toBe('auto-mtls')
  })

  it("prefers a rule in the client's namespace, then the service's, then the root namespace", () => {
    const rules = [
      dr('istio-system', 'root', { host: '*.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE' } } }),
      dr('shop', 'svc', { host, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }),
      dr('web', 'client', { host, trafficPolicy: { tls: { mode: 'DISABLE' } } }),
    ]
    expect(clientTlsMode(rules, { host, port: 80 }, 'web').rule).toBe('DestinationRule web/client')
    expect(clientTlsMode(rules, { host, port: 80 }, 'batch').rule).toBe('DestinationRule shop/svc')
    expect(clientTlsMode(rules.slice(0, 1), { host, port: 80 }, 'batch')).toMatchObject({ mode: 'SIMPLE', rule: 'DestinationRule istio-system/root' })
  })

  it('prefers an exact host over a wildcard, and respects exportTo', () => {
    const rules = [
      dr('shop', 'wild', { host: '*.shop.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } }),
      dr('shop', 'exact', { host, exportTo: ['.'], trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }),
    ]
    expect(destinationRuleFor(rules, host, 'shop')?.metadata?.name).toBe('exact')
    // Exported only to its own namespace: callers elsewhere fall back to the wildcard.
    expect(destinationRuleFor(rules, host, 'web')?.metadata?.name).toBe('wild')
  })

  it('lets portLevelSettings override for that port only; a port entry without tls falls back to auto mTLS', () => {
    const rules = [
      dr('shop', 'checkout', {
        host,
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' }, portLevelSettings: [{ port: { number: 8080 }, tls: { mode: 'DISABLE' } }, { port: { number: 9090 } }] },
      }),
    ]
    expect(clientTlsMode(rules, { host, port: 8080 }, 'web')).toMatchObject({ mode: 'DISABLE', source: 'port' })
    expect(clientTlsMode(rules, { host, port: 80 }, 'web')).toMatchObject({ mode: 'ISTIO_MUTUAL', source: 'destination-rule' })
    expect(clientTlsMode(rules, { host, port: 9090, serverMode: 'DISABLE' }, 'web')).toMatchObject({ mode: 'DISABLE', source: 'no-tls-settings' })
  })

  it('lets a subset override the rule, and its port settings override the subset', () => {
    const rules = [
      dr('shop', 'checkout', {
        host,
        trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'legacy', labels: { version: 'v0' }, trafficPolicy: { tls: { mode: 'DISABLE' }, portLevelSettings: [{ port: { number: 8443 }, tls: { mode: 'SIMPLE' } }] } },
        ],
      }),
    ]
    expect(clientTlsMode(rules, { host, port: 80, subset: 'v1' }, 'web')).toMatchObject({ mode: 'ISTIO_MUTUAL', source: 'destination-rule' })
    expect(clientTlsMode(rules, { host, port: 80, subset: 'legacy' }, 'web')).toMatchObject({ mode: 'DISABLE', source: 'subset' })
    expect(clientTlsMode(rules, { host, port: 8443, subset: 'legacy' }, 'web')).toMatchObject({ mode: 'SIMPLE', source: 'subset-port' })
  })
})

function ap(ns: string, name: string, spec: NonNullable<AuthorizationPolicyLike['spec']>): AuthorizationPolicyLike {
  return new AuthorizationPolicy({ metadata: { namespace: ns, name }, spec: spec as never })
}
const frontend = 'cluster.local/ns/web/sa/frontend'
const req = (over: Partial<RequestAttributes> = {}): RequestAttributes => ({ principal: frontend, path: '/shop.Checkout/Pay', method: 'POST', port: 8080, ...over })

describe('AuthorizationPolicy evaluation', () => {
  it('allows everything when no policy applies', () => {
    expect(evaluateAuthorization(authorizationFor([], checkout), req())).toEqual({ allowed: true, policy: null, reason: 'no-allow-policies' })
  })

  it('an ALLOW policy without rules allows nothing (allow-nothing); rules: [{}] allows everything', () => {
    expect(evaluateAuthorization(authorizationFor([ap('shop', 'nothing', { action: 'ALLOW' })], checkout), req()).allowed).toBe(false)
    expect(evaluateAuthorization(authorizationFor([ap('shop', 'all', { rules: [{}] })], checkout), req()).allowed).toBe(true)
  })

  it('allows by principal and denies other principals and plaintext callers', () => {
    const authz = authorizationFor([ap('shop', 'from-frontend', { action: 'ALLOW', rules: [{ from: [{ source: { principals: [frontend] } }] }] })], checkout)
    expect(evaluateAuthorization(authz, req())).toEqual({ allowed: true, policy: 'AuthorizationPolicy shop/from-frontend', reason: 'allowed-by-policy' })
    expect(evaluateAuthorization(authz, req({ principal: 'cluster.local/ns/web/sa/other' })).reason).toBe('no-allow-policy-matched')
    expect(evaluateAuthorization(authz, req({ principal: null })).allowed).toBe(false)
  })

  it('matches namespaces from the principal, and paths by exact, prefix and suffix', () => {
    const authz = authorizationFor(
      [ap('shop', 'web-reads', { rules: [{ from: [{ source: { namespaces: ['web'] } }], to: [{ operation: { paths: ['/shop.Catalog/*', '*/Health', '/exact'] } }] }] })],
      checkout,
    )
    expect(evaluateAuthorization(authz, req({ path: '/shop.Catalog/List' })).allowed).toBe(true)
    expect(evaluateAuthorization(authz, req({ path: '/grpc.health.v1/Health' })).allowed).toBe(true)
    expect(evaluateAuthorization(authz, req({ path: '/exact' })).allowed).toBe(true)
    expect(evaluateAuthorization(authz, req({ path: '/exactly' })).allowed).toBe(false)
    expect(evaluateAuthorization(authz, req({ path: '/shop.Catalog/List', principal: 'cluster.local/ns/batch/sa/job' })).allowed).toBe(false)
  })

  it('DENY wins over ALLOW; notMethods and notPrincipals invert', () => {
    const policies = [
      ap('shop', 'allow-all', { rules: [{}] }),
      ap('shop', 'no-writes', { action: 'DENY', rules: [{ to: [{ operation: { notMethods: ['GET', 'POST'] } }] }] }),
      ap('istio-system', 'deny-outsiders', { action: 'DENY', rules: [{ from: [{ source: { notPrincipals: ['cluster.local/*'] } }] }] }),
    ]
    const authz = authorizationFor(policies, checkout)
    expect(evaluateAuthorization(authz, req({ method: 'DELETE' }))).toMatchObject({ allowed: false, policy: 'AuthorizationPolicy shop/no-writes' })
    expect(evaluateAuthorization(authz, req({ principal: 'example.org/ns/x/sa/y' }))).toMatchObject({ allowed: false, policy: 'AuthorizationPolicy istio-system/deny-outsiders' })
    expect(evaluateAuthorization(authz, req()).allowed).toBe(true)
  })

  it('applies root-namespace policies mesh-wide, namespace policies to their namespace, selectors to matching workloads', () => {
    const policies = [
      ap('istio-system', 'mesh', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['9999'] } }] }] }),
      ap('shop', 'ns', { action: 'AUDIT', rules: [{}] }),
      ap('shop', 'other-app', { selector: { matchLabels: { app: 'payments' } }, rules: [{}] }),
      ap('web', 'elsewhere', { rules: [{}] }),
    ]
    const authz = authorizationFor(policies, checkout)
    expect(authz.deny.map((p) => p.policy)).toEqual(['AuthorizationPolicy istio-system/mesh'])
    expect(authz.audit.map((p) => p.policy)).toEqual(['AuthorizationPolicy shop/ns'])
    expect(authz.allow).toEqual([])
    expect(evaluateAuthorization(authz, req({ port: 9999 })).allowed).toBe(false)
  })

  it('models rules neutrally for the RBAC translator, with when-conditions and notes on unsupported parts', () => {
    const authz = authorizationFor(
      [
        ap('shop', 'p', {
          rules: [{ from: [{ source: { principals: ['a/*'], notNamespaces: ['x'] } }], to: [{ operation: { methods: ['POST'] } }], when: [{ key: 'request.headers[x-user]', values: ['alice'] }] }],
        }),
        ap('shop', 'jwt', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }),
        ap('shop', 'ext', { action: 'CUSTOM', rules: [{}] }),
      ],
      checkout,
    )
    expect(authz.allow[0]!.rules[0]).toEqual({
      from: [{ principal: { values: [{ kind: 'prefix', value: 'a/' }], notValues: [] }, namespace: { values: null, notValues: [{ kind: 'exact', value: 'x' }] } }],
      to: [{ method: { values: [{ kind: 'exact', value: 'POST' }], notValues: [] } }],
      when: [{ key: 'request.headers[x-user]', values: [{ kind: 'exact', value: 'alice' }], notValues: [] }],
    })
    expect(authz.notes.join('\n')).toMatch(/jwt.*requestPrincipals/)
    expect(authz.notes.join('\n')).toMatch(/ext uses action CUSTOM/)
    const headerReq = req({ principal: 'a/ns/q/sa/r', headers: { 'x-user': 'alice' } })
    expect(evaluateAuthorization({ ...authz, allow: authz.allow.slice(0, 1) }, headerReq).allowed).toBe(true)
    expect(evaluateAuthorization({ ...authz, allow: authz.allow.slice(0, 1) }, { ...headerReq, headers: { 'x-user': 'bob' } }).allowed).toBe(false)
  })
})

describe('conflict detection', () => {
  const web: PolicyWorkload = { namespace: 'web', name: 'frontend', serviceAccount: 'frontend', labels: { app: 'frontend' } }
  const base = (over: Partial<MeshPolicyInput>): MeshPolicyInput => ({
    peerAuthentications: [],
    destinationRules: [],
    authorizationPolicies: [],
    workloads: [checkout, web],
    services: [{ namespace: 'shop', name: 'checkout', ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'checkout' } }],
    ...over,
  })

  it('finds nothing in a consistent mesh', () => {
    expect(detectConflicts(base({ peerAuthentications: [pa('istio-system', 'default', 'STRICT')] }))).toEqual([])
  })

  it('flags a STRICT server whose callers’ DestinationRule disables TLS, naming both and the fix', () => {
    const conflicts = detectConflicts(
      base({
        peerAuthentications: [pa('shop', 'strict', 'STRICT')],
        destinationRules: [dr('web', 'plain', { host, trafficPolicy: { tls: { mode: 'DISABLE' } } })],
      }),
    )
    expect(conflicts).toHaveLength(1)
    expect(conflicts[0]).toMatchObject({
      severity: 'error',
      code: 'strict-server-plaintext-client',
      resources: ['DestinationRule web/plain', 'PeerAuthentication shop/strict'],
      workload: 'shop/checkout',
      port: 8080,
    })
    expect(conflicts[0]!.message).toContain('callers in namespace web')
    expect(conflicts[0]!.hint).toMatch(/ISTIO_MUTUAL.*PERMISSIVE/)
  })

  it('flags ISTIO_MUTUAL towards a server with mTLS disabled on the called port only', () => {
    const conflicts = detectConflicts(
      base({
        peerAuthentications: [pa('shop', 'wl', 'STRICT', { selector: { matchLabels: { app: 'checkout' } }, portLevelMtls: { '8080': { mode: 'DISABLE' } } })],
        destinationRules: [dr('shop', 'mtls', { host: 'checkout', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })],
      }),
    )
    expect(conflicts.map((c) => [c.code, c.port])).toEqual([['mtls-client-disabled-server', 8080]])
    expect(conflicts[0]!.message).toContain('callers in namespaces shop, web')
  })

  it('flags a subset whose TLS is disabled towards a STRICT version only', () => {
    const conflicts = detectConflicts(
      base({
        peerAuthentications: [pa('shop', 'ns', 'STRICT')],
        destinationRules: [dr('shop', 'subsets', { host: 'checkout', subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }, { name: 'v2', labels: { version: 'v2' } }] })],
      }),
    )
    expect(conflicts.map((c) => c.code)).toEqual(['strict-server-plaintext-client'])
  })

  it('warns about ignored and duplicated policies and principals that can never match', () => {
    const conflicts = detectConflicts(
      base({
        peerAuthentications: [
          pa('shop', 'a', 'DISABLE', { portLevelMtls: { '8080': { mode: 'STRICT' } } }),
          pa('shop', 'b', 'STRICT'),
          pa('istio-system', 'sel', 'STRICT', { selector: { matchLabels: { app: 'x' } } }),
        ],
        authorizationPolicies: [ap('shop', 'by-principal', { rules: [{ from: [{ source: { principals: [frontend] } }] }] })],
      }),
    )
    expect(conflicts.map((c) => c.code).sort()).toEqual([
      'duplicate-peer-authentication',
      'port-level-mtls-ignored',
      'principals-without-mtls',
      'root-namespace-selector-ignored',
    ])
    expect(conflicts.every((c) => c.severity === 'warning' && c.hint.length > 10)).toBe(true)
    expect(conflicts.find((c) => c.code === 'duplicate-peer-authentication')!.message).toContain('only the oldest, PeerAuthentication shop/a')
  })
})
