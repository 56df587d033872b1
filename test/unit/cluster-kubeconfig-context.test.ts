import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { kubeConfigForContext } from '../../src/main/cluster/io/kubeconfig-context'
import { mergeKubeconfigs, parseKubeconfig } from '../../src/main/cluster/kubeconfig-merge'
import { MeshdeckError } from '@shared/contract'

const dir = mkdtempSync(join(tmpdir(), 'meshdeck-kctx-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const text = `
current-context: cloud
clusters:
  - name: c
    cluster: { server: https://10.0.0.1:6443, certificate-authority: certs/ca.crt }
users:
  - name: cert-user
    user: { client-certificate: certs/me.crt, client-key: /abs/me.key }
  - name: exec-user
    user:
      exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: my-auth-plugin, args: [token] }
contexts:
  - name: cloud
    context: { cluster: c, user: exec-user, namespace: shop }
  - name: local
    context: { cluster: c, user: cert-user }
`
const merged = mergeKubeconfigs([parseKubeconfig(join(dir, 'kube', 'config'), text)])

describe('kubeConfigForContext', () => {
  it('resolves relative certificate paths against the file that named them, as kubectl does', () => {
    const kc = kubeConfigForContext(merged, 'local', '/usr/bin')
    expect(kc.getCurrentCluster()?.caFile).toBe(join(dir, 'kube', 'certs', 'ca.crt'))
    expect(kc.getCurrentUser()?.certFile).toBe(join(dir, 'kube', 'certs', 'me.crt'))
    expect(kc.getCurrentUser()?.keyFile).toBe('/abs/me.key')
  })

  it('names a missing exec plugin and how to fix it, before any request', () => {
    let caught: unknown
    try {
      kubeConfigForContext(merged, 'cloud', '/nonexistent-bin')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(MeshdeckError)
    expect((caught as MeshdeckError).code).toBe('exec_plugin_missing')
    expect((caught as MeshdeckError).message).toContain('"my-auth-plugin"')
    expect((caught as MeshdeckError).hint).toContain('Install my-auth-plugin')
  })

  it("finds the plugin on the login shell's PATH and runs it with that PATH", () => {
    const bin = join(dir, 'bin')
    rmSync(bin, { recursive: true, force: true })
    mkdirSync(bin)
    writeFileSync(join(bin, 'my-auth-plugin'), '#!/bin/sh\necho {}\n')
    chmodSync(join(bin, 'my-auth-plugin'), 0o755)
    const kc = kubeConfigForContext(merged, 'cloud', `${bin}:/usr/bin`)
    const exec = kc.getCurrentUser()?.exec as { env?: { name: string; value: string }[] }
    expect(exec.env).toContainEqual({ name: 'PATH', value: `${bin}:/usr/bin` })
    expect(kc.getContextObject('cloud')?.namespace).toBe('shop')
  })
})
