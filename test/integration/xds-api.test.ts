import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { status } from '@grpc/grpc-js'
import type { EventName } from '@shared/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'
import { eventually, startBackend, xdsClient, type Backend } from '../support/xds-grpc'
import { serviceEntryYaml, workloadEntryYaml } from '../support/xds-mesh-fixtures'
import { createMeshDir, type MeshDir } from '../support/xds-mesh-dir'

// The control plane through the app's API (router + event bus), as the renderer and scripts reach it.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-xds-api-'))
const kubeconfig = join(dir, 'config')
let meshDir: MeshDir
let meshdeck: Meshdeck
let backend: Backend
const seen: { name: EventName; payload: unknown }[] = []

beforeAll(async () => {
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  backend = await startBackend({ name: 'ratings' })
  meshDir = await createMeshDir()
  await meshDir.write('ratings.yaml', [serviceEntryYaml({ name: 'ratings', host: 'ratings.demo.svc.cluster.local', port: 9081 }), workloadEntryYaml({ name: 'ratings-1', app: 'ratings', port: backend.port })])
  meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, meshDir: meshDir.dir, xdsPort: 0 })
  meshdeck.bus.subscribe((name, payload) => seen.push({ name, payload }))
})

afterAll(async () => {
  await meshdeck?.dispose()
  await backend?.dispose()
  await meshDir?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('control plane API', () => {
  it('reports the real control plane in app.status and controlPlane.status', async () => {
    const app = await meshdeck.router.invoke('app.status', {})
    expect(app.controlPlane).toMatchObject({ state: 'running', address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), connectedClients: 0 })
    const cp = await meshdeck.router.invoke('controlPlane.status', {})
    expect(cp).toMatchObject({ state: 'running', meshDir: meshDir.dir, servedVersion: 1, problems: [] })
  })

  it('hands out a bootstrap that real clients use, then lists them and dumps what they were sent', async () => {
    const { bootstrap } = await meshdeck.router.invoke('mesh.bootstrap', { nodeId: 'api-client' })
    const client = xdsClient('ratings:9081', bootstrap)
    try {
      expect((await client.call()).code).toBe(status.OK)
      const clients = await eventually(async () => {
        const list = await meshdeck.router.invoke('controlPlane.clients', {})
        return list.length === 1 && list[0]?.types.every((t) => t.status === 'SYNCED') ? list : undefined
      }, 5000, 'the client to be SYNCED')
      expect(clients[0]?.nodeId).toBe('api-client')
      const dump = await meshdeck.router.invoke('controlPlane.configDump', { nodeId: 'api-client' })
      expect(dump.streams[0]?.types.map((t) => t.type)).toEqual(['LDS', 'RDS', 'CDS', 'EDS'])
      await eventually(() => (seen.some((e) => e.name === 'app.status' && (e.payload as { controlPlane: { connectedClients: number } }).controlPlane.connectedClients === 1) ? true : undefined), 3000, 'app.status with 1 client')
      expect(seen.some((e) => e.name === 'controlPlane.changed')).toBe(true)
    } finally {
      client.close()
    }
  })

  it('shows a control plane that cannot bind as failed, with the reason, and keeps the app up', async () => {
    const port = Number((await meshdeck.router.invoke('controlPlane.status', {})).address?.split(':')[1])
    const second = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir, meshDir: meshDir.dir, xdsPort: port })
    try {
      const app = await second.router.invoke('app.status', {})
      expect(app.controlPlane).toMatchObject({ state: 'failed', address: null, message: expect.stringMatching(/could not start/) })
      expect(await second.router.call('controlPlane.clients', {})).toMatchObject({ ok: false, error: { code: 'unavailable', hint: expect.stringMatching(/--xds-port/) } })
    } finally {
      await second.dispose()
    }
  })

  it('rejects bad params and explains a missing control plane', async () => {
    const bad = await meshdeck.router.call('controlPlane.configDump', {})
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_params' } })
    const off = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir })
    try {
      expect((await off.router.invoke('controlPlane.status', {})).state).toBe('stopped')
      expect(await off.router.call('mesh.bootstrap', { nodeId: 'x' })).toMatchObject({ ok: false, error: { code: 'unavailable', hint: expect.stringMatching(/--mesh-dir/) } })
    } finally {
      await off.dispose()
    }
  })
})
