import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { kindClustersFromContainers, versionOfImage, isKindContainerEvent, type ContainerSummary } from '../../src/main/local-clusters/engine-clusters'
import { hostPortsOfSpec, kindConfigFromSpec, kindSpecProblems, parseKindConfig, renderKindConfig, registryContainerdPatch } from '../../src/main/local-clusters/kind-config'
import { kindFailure } from '../../src/main/local-clusters/kind-errors'
import { cleanKindLine, LineSplitter, parseKindLine } from '../../src/main/local-clusters/kind-output'
import { isKindTooOld, parseKindVersion } from '../../src/main/local-clusters/kind-version'

const spec = (over: Partial<Parameters<typeof kindConfigFromSpec>[0]> = {}): Parameters<typeof kindConfigFromSpec>[0] => ({
  name: 'dev',
  controlPlanes: 1,
  workers: 2,
  extraPortMappings: [],
  ...over,
})

describe("kind's config (v1alpha4) from the form", () => {
  it('builds the nodes, image, port mappings, ingress label and registry patch kind documents', () => {
    const config = kindConfigFromSpec(spec({ nodeImage: 'kindest/node:v1.31.0', extraPortMappings: [{ containerPort: 30080, hostPort: 8080, listenAddress: '127.0.0.1' }], ingress: true, registry: true }))
    const text = renderKindConfig(config)
    expect(parse(text)).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      name: 'dev',
      nodes: [
        {
          role: 'control-plane',
          image: 'kindest/node:v1.31.0',
          labels: { 'ingress-ready': 'true' },
          extraPortMappings: [
            { containerPort: 30080, hostPort: 8080, listenAddress: '127.0.0.1' },
            { containerPort: 80, hostPort: 80 },
            { containerPort: 443, hostPort: 443 },
          ],
        },
        { role: 'worker', image: 'kindest/node:v1.31.0' },
        { role: 'worker', image: 'kindest/node:v1.31.0' },
      ],
      containerdConfigPatches: [registryContainerdPatch],
    })
    // What kind itself would accept back.
    expect(parseKindConfig(text).problems).toEqual([])
  })

  it('names the field of each problem: name, counts, ports, duplicates, ingress clashing with a row', () => {
    expect(kindSpecProblems(spec({ name: 'Dev_1', controlPlanes: 0, workers: 21, extraPortMappings: [{ containerPort: 80, hostPort: 70000 }] }))).toEqual([
      { field: 'name', message: expect.stringContaining('kind refuses "Dev_1"') },
      { field: 'controlPlanes', message: 'Control-plane nodes: from 1 to 7.' },
      { field: 'workers', message: 'Worker nodes: from 0 to 20.' },
      { field: 'extraPortMappings[0].hostPort', message: 'hostPort must be a port from 1 to 65535, got 70000.' },
    ])
    expect(kindSpecProblems(spec({ extraPortMappings: [{ containerPort: 80, hostPort: 80 }], ingress: true }))).toEqual([{ field: 'ingress', message: 'Host port 80/TCP is already mapped by extraPortMappings[0].hostPort.' }])
    expect(kindSpecProblems(spec({ name: 'a'.repeat(51) }))[0]?.field).toBe('name')
    expect(hostPortsOfSpec(spec({ extraPortMappings: [{ containerPort: 1, hostPort: 9000, protocol: 'UDP' }], ingress: true })).map((p) => [p.field, p.port, p.protocol])).toEqual([
      ['extraPortMappings[0].hostPort', 9000, 'UDP'],
      ['ingress', 80, 'TCP'],
      ['ingress', 443, 'TCP'],
    ])
  })
})

describe('a pasted kind config, checked as kind decodes it (strict)', () => {
  it('refuses unknown fields, other apiVersions, bad roles and names, with their path', () => {
    const { problems } = parseKindConfig('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\nname: Bad!\nfoo: 1\nnodes:\n  - role: master\n  - role: worker\n')
    expect(problems.map((p) => p.field)).toEqual(['configYaml: apiVersion', 'configYaml: foo', 'configYaml: name', 'configYaml: nodes[0].role', 'configYaml: nodes'])
  })
  it('says which line broke the YAML', () => {
    expect(parseKindConfig('kind: Cluster\nnodes: [\n').problems[0]).toMatchObject({ field: 'configYaml', message: expect.stringMatching(/^Not valid YAML \(line \d\)/) })
  })
  it('defaults like kind: no name is "kind", no nodes is one control plane', () => {
    const { config, problems } = parseKindConfig('kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n')
    expect(problems).toEqual([])
    expect(config).toMatchObject({ name: 'kind', nodes: [{ role: 'control-plane' }] })
  })
  it('refuses two mappings of one host port (kind: "port mapping with same listen address, port and protocol")', () => {
    const text = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n  extraPortMappings:\n  - {containerPort: 80, hostPort: 8080}\n- role: worker\n  extraPortMappings:\n  - {containerPort: 81, hostPort: 8080, listenAddress: 127.0.0.1}\n'
    expect(parseKindConfig(text).problems).toEqual([{ field: 'configYaml: nodes[1].extraPortMappings[0].hostPort', message: 'Host port 8080/TCP is already mapped by configYaml: nodes[0].extraPortMappings[0].hostPort.' }])
  })
})

describe("kind's output (pkg/internal/cli/status.go, no terminal)", () => {
  it('turns phase lines into steps with plain titles, and ERROR lines into errors', () => {
    expect(parseKindLine(' • Ensuring node image (kindest/node:v1.31.0) 🖼️  ...')).toEqual({ type: 'stepStarted', title: 'Ensuring node image (kindest/node:v1.31.0)' })
    expect(parseKindLine(' ✓ Preparing nodes 📦 📦 📦 ')).toEqual({ type: 'stepEnded', title: 'Preparing nodes', ok: true })
    expect(parseKindLine(' ✗ Starting control-plane 🕹️')).toEqual({ type: 'stepEnded', title: 'Starting control-plane', ok: false })
    expect(parseKindLine(' • Ready after 15s 💚')).toEqual({ type: 'line', text: ' • Ready after 15s 💚' })
    expect(parseKindLine('ERROR: failed to create cluster: boom')).toEqual({ type: 'error', message: 'failed to create cluster: boom' })
  })
  it('reads coloured and spinner output too (a terminal-attached kind)', () => {
    expect(parseKindLine('\r\x1b[32m✓\x1b[0m Writing configuration 📜\r \x1b[32m✓\x1b[0m Writing configuration 📜')).toEqual({ type: 'stepEnded', title: 'Writing configuration', ok: true })
    expect(cleanKindLine('\x1b[31mERROR\x1b[0m: x')).toBe('ERROR: x')
  })
  it('splits a stream into lines across chunk boundaries', () => {
    const split = new LineSplitter()
    expect(split.push('a\nb')).toEqual(['a'])
    expect(split.push('c\n')).toEqual(['bc'])
    expect(split.push('tail')).toEqual([])
    expect(split.end()).toEqual(['tail'])
  })
})

describe("kind's failures, mapped to a cause and a fix", () => {
  const ctx = { name: 'dev', action: 'create cluster "dev"' }
  it.each([
    ['ERROR: failed to create cluster: failed to list nodes: command "docker ps …" failed with error: exit status 1\n\nCommand Output: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 'engine_not_running'],
    ['ERROR: failed to create cluster: node(s) already exist for a cluster with the name "dev"', 'cluster_exists'],
    ['ERROR: failed to create cluster: command "docker run …" failed with error: exit status 125\nCommand Output: docker: Error response from daemon: driver failed programming external connectivity on endpoint dev-control-plane (ab): Bind for 0.0.0.0:80 failed: port is already allocated.', 'port_in_use'],
    ['ERROR: failed to create cluster: running kind with rootless provider requires cgroup v2, see https://kind.sigs.k8s.io/docs/user/rootless/', 'rootless_needs_cgroup_v2'],
    ['ERROR: failed to create cluster: failed to init node with kubeadm: … too many open files', 'inotify_limits'],
    ['ERROR: failed to create cluster: unable to decode config: yaml: unmarshal errors', 'invalid_cluster_spec'],
    ['ERROR: failed to detect any supported node provider', 'engine_not_found'],
    ['ERROR: something new', 'kind_failed'],
  ])('%#: %s', (output, code) => {
    const err = kindFailure(output, ctx)
    expect(err.code).toBe(code)
    expect(err.hint?.length).toBeGreaterThan(10)
  })
  it('names the taken port', () => {
    expect(kindFailure('Command Output: … Bind for 127.0.0.1:8443 failed: port is already allocated.', ctx).message).toBe('Host port 127.0.0.1:8443 is already in use, so cluster "dev" could not start its nodes.')
  })
})

describe("kind's version", () => {
  it('reads `kind version` and `kind version -q`, and compares with the minimum v0.20.0', () => {
    expect(parseKindVersion('kind v0.33.0 go1.24.6 linux/amd64')).toMatchObject({ major: 0, minor: 33, patch: 0, text: 'v0.33.0' })
    expect(parseKindVersion('0.20.0-alpha+abc')?.text).toBe('v0.20.0-alpha')
    expect(isKindTooOld(parseKindVersion('kind v0.19.9 go1.20 linux/amd64') as never)).toBe(true)
    expect(isKindTooOld(parseKindVersion('kind v0.20.0') as never)).toBe(false)
    expect(isKindTooOld(parseKindVersion('kind v1.0.0') as never)).toBe(false)
    expect(parseKindVersion('no version here')).toBeNull()
  })
})

describe('kind clusters from the engine (GET /containers/json)', () => {
  const node = (cluster: string, name: string, role: string, state: string, ports: ContainerSummary['Ports'] = []): ContainerSummary => ({
    Id: name,
    Names: [`/${name}`],
    Image: 'kindest/node:v1.31.0@sha256:abc',
    State: state,
    Created: 1739811096,
    Labels: { 'io.x-k8s.kind.cluster': cluster, 'io.x-k8s.kind.role': role },
    Ports: ports,
  })
  const view = { contextOf: (n: string) => (n === 'dev' ? { context: 'kind-dev', kubeconfig: 'meshdeck' as const } : null), busy: () => null }

  it('groups nodes by cluster label, takes the API port from 6443/tcp, and the state from every node', () => {
    const clusters = kindClustersFromContainers(
      [
        node('dev', 'dev-worker', 'worker', 'running'),
        node('dev', 'dev-control-plane', 'control-plane', 'running', [{ IP: '127.0.0.1', PrivatePort: 6443, PublicPort: 41234, Type: 'tcp' }]),
        node('ha', 'ha-external-load-balancer', 'external-load-balancer', 'running', [{ IP: '0.0.0.0', PrivatePort: 6443, PublicPort: 45000, Type: 'tcp' }]),
        node('ha', 'ha-control-plane', 'control-plane', 'exited', [{ IP: '127.0.0.1', PrivatePort: 6443, PublicPort: 40001, Type: 'tcp' }]),
        { Id: 'x', Names: ['/other'], Labels: {} },
      ],
      view,
    )
    expect(clusters.map((c) => [c.name, c.state, c.server, c.context, c.kubernetesVersion])).toEqual([
      ['dev', 'running', 'https://127.0.0.1:41234', 'kind-dev', 'v1.31.0'],
      ['ha', 'partial', 'https://127.0.0.1:45000', null, 'v1.31.0'],
    ])
    expect(clusters[0]?.nodes.map((n) => n.name)).toEqual(['dev-control-plane', 'dev-worker'])
    expect(clusters[0]?.createdAt).toBe('2025-02-17T16:51:36.000Z')
  })
  it('reads versions from image references', () => {
    expect(versionOfImage('kindest/node:v1.37.0-rc.1@sha256:aa')).toBe('v1.37.0-rc.1')
    expect(versionOfImage('registry:3')).toBeNull()
  })
  it('reacts only to container events of kind nodes that change the list', () => {
    const actor = { Attributes: { 'io.x-k8s.kind.cluster': 'dev' } }
    expect(isKindContainerEvent({ Type: 'container', Action: 'die', Actor: actor })).toBe(true)
    expect(isKindContainerEvent({ Type: 'container', Action: 'exec_start', Actor: actor })).toBe(false)
    expect(isKindContainerEvent({ Type: 'network', Action: 'connect', Actor: actor })).toBe(false)
    expect(isKindContainerEvent({ Type: 'container', Action: 'start', Actor: { Attributes: {} } })).toBe(false)
  })
})
