import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startControlPlane, type ControlPlane, type ControlPlaneEvent } from '../../src/main/xds/io'
import { startChildClients, type ChildClients } from '../support/xds-child'
import { countBy, eventually } from '../support/xds-grpc'
import { reviewsSplitYaml, reviewsTwoVersionsYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// 200 real grpc-js-xds channels, each with its own node id and ADS stream, in 4 child processes
// (a process that loads grpc-js-xds costs ~110 MB and ~2 s of CPU, so not one per client), against
// the real control plane, with the echo backends in a child of their own.
const clients = 200
const processes = 4
let meshDir: MeshDir
let cp: ControlPlane
let backends: ChildClients
const children: ChildClients[] = []

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

const fleet = (): ReturnType<ControlPlane['clients']> => cp.clients().filter((c) => c.nodeId.startsWith('fleet-'))
const rdsOf = (client: ReturnType<ControlPlane['clients']>[number]) => client.types.find((t) => t.type === 'RDS')

beforeAll(async () => {
  backends = await startChildClients()
  const [v1Port = 0, v2Port = 0] = await backends.serve(['v1', 'v2'])
  meshDir = await createMeshDir()
  await meshDir.write('mesh.yaml', reviewsTwoVersionsYaml({ v1: v1Port, v2: v2Port }))
  await meshDir.write('vs.yaml', reviewsSplitYaml(100))
  cp = await startControlPlane({ meshDir: meshDir.dir, loadReportIntervalMs: 0 })
  children.push(...(await Promise.all(Array.from({ length: processes }, () => startChildClients()))))
  const per = clients / processes
  const opened = await Promise.all(children.map((child, p) => child.open('reviews:9080', Array.from({ length: per }, (_, i) => `fleet-${p}-${i}`), cp.bootstrap({ nodeId: 'x' }))))
  // Every channel's first call went through xDS to a backend.
  expect(tally(opened.flat().map(String))).toEqual({ '0': clients })
  await eventually(() => (fleet().length === clients && fleet().every((c) => c.types.length === 4 && c.types.every((t) => t.status === 'SYNCED')) ? true : undefined), 30_000, `${clients} clients SYNCED on all four types`)
})

afterAll(async () => {
  await Promise.all(children.splice(0).map((child) => child.dispose()))
  await cp?.dispose()
  await backends?.dispose()
  await meshDir?.dispose()
})

describe(`a fleet of ${clients} clients`, () => {
  it('all ACK a weight change, each sent only the changed route, from one response shared by all', async () => {
    const pushed: Extract<ControlPlaneEvent, { kind: 'pushed' }>[] = []
    const sub = cp.onEvent((event) => void (event.kind === 'pushed' && pushed.push(event)))
    const started = Date.now()
    await meshDir.write('vs.yaml', reviewsSplitYaml(30))
    await cp.refresh()
    const version = String(cp.status().servedVersion)
    await eventually(() => (fleet().every((c) => rdsOf(c)?.ackedVersion === version && rdsOf(c)?.status === 'SYNCED') ? true : undefined), 30_000, `all ${clients} clients to ACK RDS ${version}`)
    const elapsed = Date.now() - started
    sub.dispose()
    // Only the route changed: one RDS response per client and nothing of the other types.
    expect(tally(pushed.map((e) => e.type))).toEqual({ RDS: clients })
    // Every client subscribed to the same route, so all got the very same response (one nonce).
    expect(new Set(fleet().map((c) => rdsOf(c)?.sentNonce)).size).toBe(1)
    expect(cp.status().byStatus).toMatchObject({ STALE: 0, NACKED: 0 })
    // Generous for a loaded 2-core machine; on an idle one this takes well under 2 s.
    expect(elapsed).toBeLessThan(20_000)
    // And the clients route by it: about 30 % to v1.
    const outcomes = (await Promise.all(children.map((child) => child.call(7, 100)))).flat()
    const share = (countBy(outcomes, (o) => o.backend ?? 'error').v1 ?? 0) / outcomes.length
    expect(share).toBeGreaterThan(0.2)
    expect(share).toBeLessThan(0.4)
  })

  it('a client that reconnects gets the current config and does not disturb the others', async () => {
    const before = new Map(fleet().map((c) => [c.streamId, rdsOf(c)?.sentNonce]))
    const extra = await startChildClients()
    children.push(extra)
    expect(await extra.open('reviews:9080', ['fleet-late'], cp.bootstrap({ nodeId: 'x' }))).toEqual([0])
    await eventually(() => (fleet().find((c) => c.nodeId === 'fleet-late')?.types.every((t) => t.status === 'SYNCED') ? true : undefined), 10_000, 'the late client SYNCED')
    // The earlier clients were sent nothing new.
    for (const c of fleet()) if (before.has(c.streamId)) expect(rdsOf(c)?.sentNonce).toBe(before.get(c.streamId))
    expect(countBy(await extra.call(0, 50), (o) => o.backend ?? 'error').v2).toBeGreaterThan(20)
  })
})
