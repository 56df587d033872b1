import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventName } from '@shared/contract'
import { createMeshdeck, type Meshdeck } from '../../src/main/app/meshdeck'

// The security methods end to end through the real router and event bus of a real Meshdeck.

const opened: { meshdeck: Meshdeck; dir: string }[] = []
afterEach(async () => {
  for (const { meshdeck, dir } of opened.splice(0)) {
    await meshdeck.dispose()
    rmSync(dir, { recursive: true, force: true })
  }
})

async function open(dir = mkdtempSync(join(tmpdir(), 'meshdeck-sec-api-'))): Promise<{ meshdeck: Meshdeck; dir: string; events: { name: EventName; payload: unknown }[] }> {
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  const meshdeck = await createMeshdeck({ mode: 'web', kubeconfig, dataDir: dir })
  opened.push({ meshdeck, dir })
  const events: { name: EventName; payload: unknown }[] = []
  meshdeck.bus.subscribe((name, payload) => events.push({ name, payload }))
  return { meshdeck, dir, events }
}

describe('security.* methods', () => {
  it('report no CA and write nothing until a workload needs a certificate', async () => {
    const { meshdeck, dir } = await open()
    expect(await meshdeck.router.invoke('security.caInfo', {})).toEqual({ state: 'absent', dir: join(dir, 'ca'), trustDomain: 'cluster.local' })
    expect(await meshdeck.router.invoke('security.certificates', {})).toEqual({ certificates: [] })
    expect(await meshdeck.router.invoke('security.conflicts', {})).toEqual({ evaluated: false, conflicts: [] })
    expect(existsSync(join(dir, 'ca'))).toBe(false)
  })

  it('show the CA and the issued certificates, with events, and never a private key', async () => {
    const { meshdeck, events } = await open()
    const workload = await meshdeck.security.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })
    expect(workload.certificateProviders.meshdeck?.config.private_key_file).toBe(workload.files.privateKeyFile)

    const ca = await meshdeck.router.invoke('security.caInfo', {})
    expect(ca).toMatchObject({ state: 'ready', kind: 'self-signed', trustDomain: 'cluster.local', generation: 'gen-1' })
    if (ca.state !== 'ready') return
    expect(ca.root.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    const { certificates } = await meshdeck.router.invoke('security.certificates', {})
    expect(certificates).toEqual([
      expect.objectContaining({
        workload: 'shop/checkout',
        spiffeId: 'spiffe://cluster.local/ns/shop/sa/checkout',
        issuer: ca.signing.subject,
        caGeneration: 'gen-1',
        lastError: null,
      }),
    ])
    const cert = certificates[0]!
    expect(Date.parse(cert.renewAt)).toBeGreaterThan(Date.parse(cert.notBefore))
    expect(Date.parse(cert.renewAt)).toBeLessThan(Date.parse(cert.notAfter))
    expect(events.map((e) => e.name)).toEqual(['security.certificateRenewed', 'security.caChanged'])
    expect(events[0]!.payload).toMatchObject({ reason: 'issued', certificate: { serial: cert.serial } })

    const everything = JSON.stringify([ca, certificates, events])
    expect(everything).not.toContain('PRIVATE KEY')
    expect(everything).not.toContain('BEGIN')
  })

  it('rotate the CA: both roots trusted during the overlap, certificates switched only after that', async () => {
    const { meshdeck, events } = await open()
    await meshdeck.security.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })
    const before = await meshdeck.router.invoke('security.caInfo', {})
    const rotated = await meshdeck.router.invoke('security.rotateCa', {})
    expect(rotated.ca).toMatchObject({ state: 'ready', generation: 'gen-2' })
    if (rotated.ca.state !== 'ready' || before.state !== 'ready') return
    expect(rotated.ca.trustBundle.map((r) => [r.fingerprint, r.current])).toEqual([
      [rotated.ca.root.fingerprint, true],
      [before.root.fingerprint, false],
    ])
    // Certificates switch after the bundle has reached every workload (two 30 s refresh intervals).
    expect(Date.parse(rotated.certificatesSwitchAt) - Date.now()).toBeGreaterThan(50_000)
    expect((await meshdeck.router.invoke('security.certificates', {})).certificates[0]!.caGeneration).toBe('gen-1')
    expect(events.some((e) => e.name === 'security.caChanged' && (e.payload as { generation?: string }).generation === 'gen-2')).toBe(true)
  })

  it('say which parameter is wrong when only one upstream file is given, and change nothing', async () => {
    const { meshdeck } = await open()
    const outcome = await meshdeck.router.call('security.rotateCa', { upstreamCertFile: '/tmp/root.pem' })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid_params' } })
    if (!outcome.ok) expect(outcome.error.message).toContain('both upstreamCertFile and upstreamKeyFile')
    expect(await meshdeck.router.invoke('security.caInfo', {})).toMatchObject({ state: 'absent' })
  })

  it('name an unreadable upstream root file', async () => {
    const { meshdeck, dir } = await open()
    const outcome = await meshdeck.router.call('security.rotateCa', { upstreamCertFile: join(dir, 'nope.pem'), upstreamKeyFile: join(dir, 'nope.key') })
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ca_upstream_invalid' } })
    if (!outcome.ok) expect(outcome.error.message).toContain(join(dir, 'nope.pem'))
  })

  it('report a damaged CA with the file and the fix, on the next start, instead of replacing it', async () => {
    const first = await open()
    await first.meshdeck.security.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })
    opened.splice(opened.findIndex((o) => o.meshdeck === first.meshdeck), 1)
    await first.meshdeck.dispose()
    const certFile = join(first.dir, 'ca', 'gen-1', 'ca-cert.pem')
    writeFileSync(certFile, 'garbage')

    const again = await open(first.dir)
    const outcome = await again.meshdeck.router.call('security.caInfo', {})
    expect(outcome).toEqual({
      ok: false,
      error: {
        code: 'ca_unreadable',
        message: `The mesh CA file ${certFile} is not a valid PEM certificate (damaged or truncated).`,
        hint: expect.stringContaining('will not replace the CA'),
      },
    })
    await expect(again.meshdeck.security.workloadSecurity({ namespace: 'shop', serviceAccount: 'checkout' })).rejects.toMatchObject({ code: 'ca_unreadable' })
    expect(existsSync(join(first.dir, 'ca', 'gen-2'))).toBe(false)
  })
})
