import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { desktopOptions, shouldRunDemoByDefault } from '../../src/main/app/demo-default'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'

// Real kubeconfig files on disk, read by the real loader.
const dir = mkdtempSync(join(tmpdir(), 'meshdeck-demo-default-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the desktop app runs the demo by default', () => {
  it('when the kubeconfig has no context, or there is none at all', async () => {
    const empty = join(dir, 'empty')
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
    expect(await shouldRunDemoByDefault(empty)).toBe(true)
    expect(await shouldRunDemoByDefault(join(dir, 'missing'))).toBe(true)
  })

  it('but not when a cluster context exists', async () => {
    const kubeconfig = writeTempKubeconfig()
    try {
      expect(await shouldRunDemoByDefault(kubeconfig.path)).toBe(false)
    } finally {
      kubeconfig.cleanup()
    }
  })
})

describe('with clusters, the desktop app still runs the control plane', () => {
  it('on a local mesh folder under its data folder, without the demo', async () => {
    const kubeconfig = writeTempKubeconfig()
    try {
      expect(await desktopOptions('/data', kubeconfig.path)).toEqual({ demo: false, meshDir: join('/data', 'mesh') })
      expect(await desktopOptions('/data', join(dir, 'missing'))).toEqual({ demo: true })
    } finally {
      kubeconfig.cleanup()
    }
  })
})
