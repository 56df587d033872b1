import { describe, expect, it } from 'vitest'
import { prometheus } from '../../src/main/telemetry'

const svc = (namespace: string, name: string, ports: { name: string | null; port: number }[], labels: Record<string, string> = {}) => ({ namespace, name, ports, labels })

describe("picking a cluster's Prometheus among its Services", () => {
  it('ranks the common installs, picks their web port, and ignores look-alikes', () => {
    const found = prometheus.prometheusCandidates([
      svc('shop', 'prometheus-pushgateway', [{ name: 'http', port: 9091 }]),
      svc('monitoring', 'prometheus-operated', [{ name: 'web', port: 9090 }], { 'operated-prometheus': 'true' }),
      svc('monitoring', 'kps-kube-prometheus-stack-prometheus', [{ name: 'reloader-web', port: 8080 }, { name: 'http-web', port: 9090 }]),
      svc('istio-system', 'prometheus', [{ name: 'http', port: 9090 }]),
      svc('metrics', 'prometheus-server', [{ name: 'http', port: 80 }]),
    ])
    expect(found.map((c) => `${c.namespace}/${c.name}:${c.port}`)).toEqual([
      'istio-system/prometheus:9090',
      'monitoring/kps-kube-prometheus-stack-prometheus:9090',
      'monitoring/prometheus-operated:9090',
      'metrics/prometheus-server:80',
    ])
  })

  it("builds the API server's service proxy path, https: when the port says so", () => {
    expect(prometheus.serviceProxyPath({ namespace: 'istio-system', name: 'prometheus', port: 9090, https: false }, '/api/v1/query?query=up')).toBe('/api/v1/namespaces/istio-system/services/prometheus:9090/proxy/api/v1/query?query=up')
    expect(prometheus.serviceProxyPath({ namespace: 'm', name: 'p', port: 443, https: true }, 'api/v1/status/buildinfo')).toBe('/api/v1/namespaces/m/services/https:p:443/proxy/api/v1/status/buildinfo')
  })
})
