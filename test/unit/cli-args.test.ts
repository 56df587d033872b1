import { describe, expect, it } from 'vitest'
import { parseCliArgs, UsageError } from '../../src/cli/args'

describe('meshdeck CLI arguments', () => {
  it('binds loopback by default', () => {
    expect(parseCliArgs(['serve'])).toMatchObject({ command: 'serve', host: '127.0.0.1', port: 7420, demo: false })
  })

  it('accepts --port 0 to pick a free port, and the cluster options', () => {
    expect(parseCliArgs(['serve', '--port', '0', '--kubeconfig', '/k', '--context', 'dev', '--demo'])).toMatchObject({
      port: 0,
      kubeconfig: '/k',
      context: 'dev',
      demo: true,
    })
  })

  it('sets the trace store budget with --trace-store-mb, refusing nonsense with the range', () => {
    expect(parseCliArgs(['serve', '--trace-store-mb', '512'])).toMatchObject({ traceStoreBytes: 512 * 1024 * 1024 })
    expect(() => parseCliArgs(['serve', '--trace-store-mb', '1'])).toThrow('--trace-store-mb must be a whole number of MiB from 16 to 65536, got "1".')
  })

  it('serves a kubeconfig context\'s cluster mesh with --mesh-context', () => {
    expect(parseCliArgs(['serve', '--mesh-context', 'dev', '--xds-port', '0'])).toMatchObject({ meshContext: 'dev', meshDir: undefined, xdsPort: 0 })
    expect(parseCliArgs(['serve'])).toMatchObject({ tracesPort: 4318 })
    expect(parseCliArgs(['serve', '--traces-port', '0'])).toMatchObject({ tracesPort: 0 })
    expect(() => parseCliArgs(['serve', '--traces-port', 'x'])).toThrow(/--traces-port must be a whole number/)
    expect(parseCliArgs(['serve'])).toMatchObject({ monitoringPort: 15014 })
    expect(parseCliArgs(['serve', '--monitoring-port', '0'])).toMatchObject({ monitoringPort: 0 })
    expect(parseCliArgs(['serve', '--prometheus', 'http://127.0.0.1:9090'])).toMatchObject({ prometheusUrl: 'http://127.0.0.1:9090' })
    expect(() => parseCliArgs(['serve', '--prometheus', 'prometheus:9090'])).toThrow(/--prometheus must be an http/)
    expect(() => parseCliArgs(['serve', '--prometheus', 'nope'])).toThrow(/--prometheus must be a URL/)
    expect(parseCliArgs(['serve', '--mesh-context', 'dev', '--mesh-dir', '/m'])).toMatchObject({ meshContext: 'dev', meshDir: '/m' })
  })

  it('explains a bad port or an unknown flag', () => {
    expect(() => parseCliArgs(['serve', '--port', 'abc'])).toThrow(/--port must be a whole number/)
    expect(() => parseCliArgs(['serve', '--nope'])).toThrow(UsageError)
    expect(() => parseCliArgs(['launch'])).toThrow(/Unknown command "launch"/)
  })

  it('runs the demo headless with its own xDS port and load, and explains a bad rate', () => {
    expect(parseCliArgs(['demo'])).toEqual({ command: 'demo', xdsPort: 15010, rps: undefined })
    expect(parseCliArgs(['demo', '--xds-port', '0', '--rps', '12'])).toEqual({ command: 'demo', xdsPort: 0, rps: 12 })
    expect(() => parseCliArgs(['demo', '--rps', 'lots'])).toThrow(/--rps must be a number from 0 to 1000/)
    expect(parseCliArgs(['serve', '--demo', '--xds-port', '0'])).toMatchObject({ demo: true, xdsPort: 0 })
  })
})
