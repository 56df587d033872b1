import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSnapshot, parseMeshYaml, resolveServices, validateMesh, type MeshObject } from '../../src/main/mesh'
import { renderDemoBootstrap, demoNodeId } from '../../src/main/demo/bootstrap'
import { renderWorkloadEntries } from '../../src/main/demo/io/mesh-config'
import { demoWorkloads, startOrder } from '../../src/main/demo/topology'
import { LogBuffer } from '../../src/main/demo/log-buffer'
import { restartDelay } from '../../src/main/demo/restart-policy'
import { demoTopologyWorkloads } from '../../src/main/demo'
import type { DemoWorkload } from '@shared/contract'
// grpc-js-xds's own bootstrap validator: the one every demo workload runs at start.
import { validateBootstrapConfig } from '@grpc/grpc-js-xds/build/src/xds-bootstrap'

const seedDir = join(__dirname, '..', '..', 'resources', 'demo', 'mesh')
const placed = demoWorkloads.map((spec, i) => ({ spec, port: 41000 + i }))

function demoObjects(): MeshObject[] {
  const objects: MeshObject[] = []
  for (const name of readdirSync(seedDir)) {
    const parsed = parseMeshYaml(readFileSync(join(seedDir, name), 'utf8'), name)
    expect(parsed.problems).toEqual([])
    objects.push(...parsed.objects)
  }
  const entries = parseMeshYaml(renderWorkloadEntries(placed), 'demo-workload-entries.yaml')
  expect(entries.problems).toEqual([])
  return [...objects, ...entries.objects]
}

describe('the demo mesh config', () => {
  it('is valid Istio config for the control plane, with no problems reported', () => {
    expect(validateMesh(createSnapshot(1, demoObjects()))).toEqual([])
  })

  it('gives each service its WorkloadEntries, at the ports the supervisor bound', () => {
    const services = resolveServices(createSnapshot(1, demoObjects()))
    const reviews = services.find((s) => s.host === 'reviews.demo.svc.cluster.local')
    expect(reviews?.endpoints.map((e) => [e.labels.version, e.address, e.ports.grpc])).toEqual([
      ['v1', '127.0.0.1', 41002],
      ['v2', '127.0.0.1', 41003],
      ['v3', '127.0.0.1', 41004],
    ])
    expect(services.map((s) => s.shortName).sort()).toEqual(['details', 'frontend', 'ratings', 'reviews'])
  })

  it('writes no WorkloadEntry for the load generator, which serves nothing', () => {
    expect(renderWorkloadEntries(placed)).not.toContain('name: loadgen')
  })
})

describe('a demo workload bootstrap', () => {
  it('is accepted by grpc-js-xds and names the workload', () => {
    const reviews = demoWorkloads.find((w) => w.name === 'reviews-v2')!
    const json = JSON.parse(renderDemoBootstrap('127.0.0.1:15010', reviews))
    const validated = validateBootstrapConfig(json)
    expect(validated.xdsServers[0]?.server_uri).toBe('127.0.0.1:15010')
    expect(validated.node.id).toBe(demoNodeId(reviews))
    expect(validated.serverListenerResourceNameTemplate).toBe('grpc/server?xds.resource.listening_address=%s')
    expect(demoNodeId(reviews)).toBe('sidecar~127.0.0.1~reviews-v2.demo~demo.svc.cluster.local')
  })
})

describe('the demo start order', () => {
  it('starts each workload after the ones it calls', () => {
    const order = startOrder(demoWorkloads).map((w) => w.name)
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b))
    before('ratings-v1', 'reviews-v2')
    before('reviews-v3', 'frontend-v1')
    before('details-v1', 'frontend-v1')
    before('frontend-v1', 'loadgen')
  })
})

describe('a workload log buffer', () => {
  it('splits output into lines, keeps a partial line until its newline, and keeps only the last N', () => {
    const log = new LogBuffer(3, () => new Date('2026-01-01T00:00:00Z'))
    log.write('stdout', 'one\ntw')
    expect(log.tail().map((l) => l.text)).toEqual(['one'])
    log.write('stdout', 'o\nthree\r\n')
    log.note('exited')
    log.write('stderr', 'boom\n')
    expect(log.tail().map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:three', 'supervisor:exited', 'stderr:boom'])
    expect(log.tail(1)).toEqual([{ at: '2026-01-01T00:00:00.000Z', stream: 'stderr', text: 'boom' }])
  })
})

describe('the restart backoff', () => {
  const policy = { initialDelayMs: 1_000, maxDelayMs: 8_000, stableAfterMs: 60_000 }

  it('doubles with each crash in a row, up to the cap', () => {
    let streak = 0
    const delays: number[] = []
    for (let i = 0; i < 6; i++) {
      const next = restartDelay(policy, streak, 100)
      streak = next.crashesInRow
      delays.push(next.delayMs)
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000])
  })

  it('forgives past crashes after a long enough run', () => {
    expect(restartDelay(policy, 5, 61_000)).toEqual({ delayMs: 1_000, crashesInRow: 1 })
  })
})

describe('the demo as topology workloads', () => {
  const workload = (name: string, state: DemoWorkload['state'], host: string | null): DemoWorkload => ({
    name,
    service: name.split('-')[0] as string,
    version: 'v2',
    host,
    port: host ? 41000 : null,
    state,
    pid: 10,
    restarts: 0,
    fault: { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 },
  })

  it('shows a serving process as ready and a crashed one as not, linked to its WorkloadEntry', () => {
    const inputs = demoTopologyWorkloads([
      workload('reviews-v2', 'running', 'reviews.demo.svc.cluster.local'),
      workload('ratings-v1', 'backoff', 'ratings.demo.svc.cluster.local'),
      workload('loadgen', 'running', null),
      workload('details-v1', 'stopped', 'details.demo.svc.cluster.local'),
    ])
    expect(inputs.map((i) => [i.name, i.ready, i.desired, i.services])).toEqual([
      ['reviews-v2', 1, 1, ['reviews.demo.svc.cluster.local']],
      ['ratings-v1', 0, 1, ['ratings.demo.svc.cluster.local']],
      ['loadgen', 1, 1, []],
    ])
    expect(inputs[0]?.refs).toEqual([{ kind: 'WorkloadEntry', namespace: 'demo', name: 'reviews-v2' }])
    expect(inputs[0]?.labels).toEqual({ app: 'reviews', version: 'v2' })
  })
})
