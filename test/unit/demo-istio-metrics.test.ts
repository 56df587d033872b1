import { describe, expect, it } from 'vitest'
import { decodePeer, encodePeer, istioLabelNames, requestLabels, spiffeIdOf, type RequestOutcome } from '../../src/main/demo/istio-metrics'

const frontend = { workload: 'frontend-v1', namespace: 'demo', app: 'frontend', version: 'v1' }
const reviews = { workload: 'reviews-v2', namespace: 'demo', app: 'reviews', version: 'v2' }
const base: RequestOutcome = {
  reporter: 'source',
  source: frontend,
  destination: reviews,
  destinationService: 'reviews.demo.svc.cluster.local',
  grpcStatus: 0,
  reachedServer: true,
  mutualTls: false,
  peerPrincipal: null,
  ownPrincipal: null,
}

describe("Istio's standard labels for a proxyless call", () => {
  it('sets every standard label on every sample, so Prometheus sees one label set', () => {
    expect(Object.keys(requestLabels(base)).sort()).toEqual([...istioLabelNames].sort())
  })

  it('reports a call a server answered as HTTP 200 with its gRPC status, as Envoy does', () => {
    expect(requestLabels({ ...base, grpcStatus: 14 })).toMatchObject({ response_code: '200', grpc_response_status: '14', response_flags: '-' })
  })

  it("reports a call that reached no server as Envoy's local reply: 503 UF, or 504 UT past the deadline, destination unknown", () => {
    expect(requestLabels({ ...base, destination: null, reachedServer: false, grpcStatus: 14 })).toMatchObject({
      response_code: '503',
      response_flags: 'UF',
      destination_workload: 'unknown',
      destination_version: 'unknown',
      destination_service: 'reviews.demo.svc.cluster.local',
      destination_service_namespace: 'demo',
      destination_canonical_service: 'reviews',
    })
    expect(requestLabels({ ...base, destination: null, reachedServer: false, grpcStatus: 4 })).toMatchObject({ response_code: '504', response_flags: 'UT' })
  })

  it('says mutual_tls only at the destination and only when the call came over mTLS; a source says unknown', () => {
    expect(requestLabels({ ...base, reporter: 'destination', mutualTls: true, peerPrincipal: 'spiffe://cluster.local/ns/demo/sa/frontend' })).toMatchObject({
      connection_security_policy: 'mutual_tls',
      source_principal: 'spiffe://cluster.local/ns/demo/sa/frontend',
    })
    expect(requestLabels({ ...base, reporter: 'destination', mutualTls: false })).toMatchObject({ connection_security_policy: 'none', source_principal: 'unknown' })
    expect(requestLabels({ ...base, mutualTls: true })).toMatchObject({ connection_security_policy: 'unknown' })
  })

  it('names an anonymous caller unknown (a client outside the demo sends no peer header)', () => {
    expect(requestLabels({ ...base, reporter: 'destination', source: null })).toMatchObject({ source_workload: 'unknown', source_workload_namespace: 'unknown', source_cluster: 'unknown' })
  })

  it('carries a peer identity in one metadata value and refuses a malformed one', () => {
    expect(decodePeer(encodePeer(reviews))).toEqual(reviews)
    expect(decodePeer('a;b;c')).toBeNull()
    expect(decodePeer('x;y;z;{"json":1}')).toBeNull()
    expect(decodePeer(undefined)).toBeNull()
  })

  it('reads the SPIFFE ID from a certificate SAN list', () => {
    expect(spiffeIdOf('DNS:x, URI:spiffe://cluster.local/ns/demo/sa/reviews')).toBe('spiffe://cluster.local/ns/demo/sa/reviews')
    expect(spiffeIdOf(undefined)).toBeNull()
  })
})
