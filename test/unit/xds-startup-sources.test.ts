import { describe, expect, it } from 'vitest'
import { controlPlaneOptions, sourcesForChoice, startupChoice } from '../../src/main/xds/io'

/*
 * The command line (--mesh-dir, --mesh-context) and the Control plane page (controlPlane.useSource)
 * turn a context into sources the same way: the flags become the page's choice. No cluster is
 * reached here; the factories connect only when the control plane starts them.
 */
describe('what the control plane starts with', () => {
  it('reads the flags as the choice the Control plane page would make', () => {
    expect(startupChoice({})).toBeNull()
    expect(startupChoice({ meshDir: '/m' })).toEqual({ config: 'folder' })
    expect(startupChoice({ meshContext: 'dev' })).toEqual({ config: 'cluster', context: 'dev' })
    expect(startupChoice({ meshDir: '/m', meshContext: 'dev' })).toEqual({ config: 'folder', endpoints: { from: 'cluster', context: 'dev' } })
  })

  it('makes the sources a switch to that choice would make', () => {
    expect(controlPlaneOptions({ port: 15010 })).toBeNull()
    expect(controlPlaneOptions({ meshDir: '/m', port: 0 })).toEqual({ port: 0, meshDir: '/m', endpoints: undefined })
    const cluster = controlPlaneOptions({ meshContext: 'dev', kubeconfig: '/k', port: 15010 })
    expect(cluster).toMatchObject({ port: 15010, source: expect.any(Function), endpoints: expect.any(Function) })
    expect(cluster).not.toHaveProperty('meshDir')
    const both = controlPlaneOptions({ meshDir: '/m', meshContext: 'dev', port: 15010 })
    expect(both).toMatchObject({ port: 15010, meshDir: '/m', endpoints: expect.any(Function) })
    expect(both).not.toHaveProperty('source')
    expect(Object.keys(sourcesForChoice({ config: 'cluster', context: 'dev' }, {})).sort()).toEqual(Object.keys(cluster!).filter((k) => k !== 'port').sort())
  })
})
