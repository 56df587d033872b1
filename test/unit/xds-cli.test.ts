import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCliArgs } from '../../src/cli/args'
import { renderBootstrap } from '../../src/main/xds'

describe('meshdeck CLI for the control plane', () => {
  it('serves xDS only when given a mesh folder, on 15010 by default', () => {
    expect(parseCliArgs(['serve'])).toMatchObject({ meshDir: undefined, xdsPort: 15010 })
    expect(parseCliArgs(['serve', '--mesh-dir', '/m', '--xds-port', '0'])).toMatchObject({ meshDir: '/m', xdsPort: 0 })
    expect(() => parseCliArgs(['serve', '--xds-port', '70000'])).toThrow(/--xds-port must be a whole number/)
  })

  it('renders a bootstrap for a node id, and explains what is missing', () => {
    expect(parseCliArgs(['bootstrap', '--node-id', 'reviews-v1', '--out', '/tmp/b.json'])).toEqual({ command: 'bootstrap', nodeId: 'reviews-v1', xdsPort: 15010, out: '/tmp/b.json' })
    expect(() => parseCliArgs(['bootstrap'])).toThrow(/needs --node-id/)
    expect(() => parseCliArgs(['bootstrap', '--node-id', 'a', '--xds-port', '0'])).toThrow(/not 0/)
  })

  it('takes the workload identity for --certs, and says what is missing or misplaced', () => {
    expect(parseCliArgs(['bootstrap', '--node-id', 'a', '--certs', '--namespace', 'shop', '--service-account', 'cart', '--certs-dir', 'rel/certs', '--trust-domain', 'example.org', '--workload', 'cart-1'])).toEqual({
      command: 'bootstrap',
      nodeId: 'a',
      xdsPort: 15010,
      certs: { namespace: 'shop', serviceAccount: 'cart', workload: 'cart-1', trustDomain: 'example.org', certsDir: resolve('rel/certs') },
    })
    expect(() => parseCliArgs(['bootstrap', '--node-id', 'a', '--certs', '--namespace', 'shop'])).toThrow(/--certs needs --namespace and --service-account/)
    expect(() => parseCliArgs(['bootstrap', '--node-id', 'a', '--namespace', 'shop', '--certs-dir', '/c'])).toThrow(/--namespace, --certs-dir only apply with --certs/)
  })
})

describe('renderBootstrap', () => {
  it('gives grpc-js-xds what it requires: a server, a node with locality, the server listener template', () => {
    // ignore_resource_deletion: a Listener or Cluster gone for a moment keeps serving (gRFC A53).
    expect(renderBootstrap({ nodeId: 'reviews-v1', xdsAddress: '127.0.0.1:15010', cluster: 'reviews', locality: { region: 'eu', zone: 'a' } })).toEqual({
      xds_servers: [{ server_uri: '127.0.0.1:15010', channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3', 'ignore_resource_deletion'] }],
      node: { id: 'reviews-v1', cluster: 'reviews', locality: { region: 'eu', zone: 'a' }, metadata: {} },
      server_listener_resource_name_template: 'grpc/server?xds.resource.listening_address=%s',
    })
  })

  it('carries certificate providers from the CA as given', () => {
    const providers = { 'meshdeck-ca': { plugin_name: 'file_watcher', config: { certificate_file: '/c.pem', private_key_file: '/k.pem', ca_certificate_file: '/ca.pem' } } }
    expect(renderBootstrap({ nodeId: 'a', xdsAddress: 'x:1', certificateProviders: providers }).certificate_providers).toEqual(providers)
  })
})
