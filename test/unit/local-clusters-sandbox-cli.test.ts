import { describe, expect, it } from 'vitest'
import { clusterTable } from '../../src/cli/cluster'
import { parseClusterArgs } from '../../src/cli/cluster-args'
import { parseCliArgs } from '../../src/cli/args'
import { demoWorkloads } from '../../src/main/demo'
import { parseWorkloadArgs } from '../../src/main/demo/workload-config'
import { kindSandboxObjects } from '../../src/main/local-clusters/sandbox-objects'

describe('the kind sandbox objects', () => {
  const objects = kindSandboxObjects({ image: 'meshdeck/demo-workload:abc', workloads: demoWorkloads, bootstraps: Object.fromEntries(demoWorkloads.map((w) => [w.name, `{"node":"${w.name}"}`])), rps: 5 })
  it('a Service per serving role selecting app, a Deployment and a bootstrap ConfigMap per workload', () => {
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['details', 'frontend', 'ratings', 'reviews'])
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(demoWorkloads.map((w) => w.name).sort())
    expect(objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'reviews-v2-xds-bootstrap')).toMatchObject({ data: { 'bootstrap.json': '{"node":"reviews-v2"}' } })
  })
  it('each server binds its own pod IP on 9080 and dials its upstreams through xds:///…demo.svc.cluster.local', () => {
    const reviews = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'reviews-v2') as unknown as { spec: { template: { metadata: { labels: object }; spec: { containers: { args: string[]; env: { name: string }[]; imagePullPolicy: string }[] } } } }
    const container = reviews.spec.template.spec.containers[0]
    expect(reviews.spec.template.metadata.labels).toEqual({ app: 'reviews', version: 'v2' })
    expect(container?.args.join(' ')).toContain('--port 9080 --server xds --host $(POD_IP)')
    expect(container?.args.join(' ')).toContain('--upstream ratings=xds:///ratings.demo.svc.cluster.local:9080')
    expect(container?.env.map((e) => e.name)).toEqual(['POD_IP', 'GRPC_XDS_BOOTSTRAP', 'GRPC_XDS_EXPERIMENTAL_RBAC'])
    expect(container?.imagePullPolicy).toBe('IfNotPresent')
    const loadgen = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'loadgen') as unknown as { spec: { template: { spec: { containers: { args: string[] }[] } } } }
    expect(loadgen.spec.template.spec.containers[0]?.args.join(' ')).toContain('--rps 5')
    expect(loadgen.spec.template.spec.containers[0]?.args).not.toContain('--host')
  })
})

describe('the demo workload on one address', () => {
  it('serves on 127.0.0.1 by default, or on one given IPv4 (a pod IP), never every interface', () => {
    const base = ['--workload', 'ratings-v1', '--role', 'ratings', '--port', '9080']
    expect(parseWorkloadArgs(base).host).toBe('127.0.0.1')
    expect(parseWorkloadArgs([...base, '--host', '10.244.0.7']).host).toBe('10.244.0.7')
    expect(() => parseWorkloadArgs([...base, '--host', '0.0.0.0'])).toThrow('--host must be one IPv4 address')
    expect(() => parseWorkloadArgs([...base, '--host', 'pod'])).toThrow('--host must be one IPv4 address')
  })
})

describe('meshdeck cluster arguments', () => {
  it('create: Docker-free by default; kind from flags or a config file', () => {
    expect(parseClusterArgs(['create', 'dev'])).toMatchObject({ action: 'create', name: 'dev', provider: 'processes', json: false, merge: false })
    expect(parseClusterArgs(['create', 'web', '--provider', 'kind', '--workers', '2', '--port', '8080:30080', '--ingress', '-o', 'json', '--merge-kubeconfig'])).toMatchObject({
      provider: 'kind',
      json: true,
      merge: true,
      kind: { controlPlanes: 1, workers: 2, ports: [{ hostPort: 8080, containerPort: 30080 }], ingress: true },
    })
  })
  it('names the wrong flag or value', () => {
    expect(() => parseClusterArgs(['create', 'x', '--port', '8080'])).toThrow('--port is HOST:CONTAINER (e.g. 8080:30080), got "8080".')
    expect(() => parseClusterArgs(['create', 'x', '-o', 'yaml'])).toThrow('-o takes json')
    expect(() => parseClusterArgs(['create'])).toThrow('cluster create takes one cluster name.')
    expect(() => parseClusterArgs(['frobnicate', 'x'])).toThrow('Unknown cluster action "frobnicate"')
    expect(() => parseClusterArgs(['create', 'x', '--config', '/nonexistent/kind.yaml'])).toThrow('--config: cannot read /nonexistent/kind.yaml (ENOENT).')
    expect(() => parseClusterArgs(['sandbox', 'x', '--xds-host', '0.0.0.0'])).toThrow('--xds-host is for the kind sandbox')
  })
  it('sandbox: Docker-free by default, kind with its image and xDS address', () => {
    expect(parseClusterArgs(['sandbox', 'demo'])).toMatchObject({ action: 'sandbox', provider: 'processes', xdsPort: 0, port: 0 })
    expect(parseClusterArgs(['sandbox', 'demo', '--provider', 'kind', '--image', 'kindest/node:v1.31.0', '--xds-host', '172.18.0.1'])).toMatchObject({ provider: 'kind', image: 'kindest/node:v1.31.0', xdsHost: '172.18.0.1' })
  })
  it('is reachable from the top-level parser, and serve takes --xds-host', () => {
    expect(parseCliArgs(['cluster', 'list', '-o', 'json'])).toMatchObject({ command: 'cluster', action: 'list', json: true })
    expect(parseCliArgs(['serve', '--mesh-dir', 'm', '--xds-host', '172.18.0.1'])).toMatchObject({ command: 'serve', xdsHost: '172.18.0.1' })
  })
})

describe('meshdeck cluster list (human)', () => {
  it('one aligned row per cluster, saying which has no kubelet', () => {
    const text = clusterTable([
      { name: 'dev', provider: 'processes', state: 'running', context: 'meshdeck-dev', kubeconfig: 'merged', server: 'https://127.0.0.1:4000', nodes: [], components: [{ name: 'etcd', state: 'running', pid: 1 }, { name: 'kube-apiserver', state: 'stopped', pid: null }], runsPods: false, kubernetesVersion: 'v1.20.2', createdAt: null },
      { name: 'k', provider: 'kind', state: 'partial', context: null, kubeconfig: 'none', server: null, nodes: [{ name: 'k-control-plane', role: 'control-plane', state: 'running', image: null }], components: [], runsPods: true, kubernetesVersion: null, createdAt: null },
    ])
    expect(text).toBe(
      [
        'NAME  KIND                      STATE    VERSION  SERVER                  CONTEXT                NODES/PROCS',
        'dev   docker-free (no kubelet)  running  v1.20.2  https://127.0.0.1:4000  meshdeck-dev (merged)  1/2',
        'k     kind                      partial  -        -                       -                      1',
        '',
      ].join('\n'),
    )
  })
})
