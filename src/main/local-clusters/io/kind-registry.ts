import type Docker from 'dockerode'
import { LocalClusterErrorCode, MeshdeckError } from '@shared/contract'
import type { KubeClient } from '../../cluster/io'
import { kindClusterLabel } from '../engine-clusters'
import { localRegistry } from '../kind-config'

/**
 * kind's local-registry recipe (site/content/docs/user/local-registry.md, kind-with-registry.sh),
 * done through the Engine API: a `kind-registry` container publishing 127.0.0.1:5001, every node
 * told (containerd hosts.toml) that localhost:5001 is that container, the registry joined to the
 * `kind` network, and the KEP-1755 ConfigMap that documents it. Each part checks first, so a
 * second run changes nothing.
 */
export async function setUpLocalRegistry(docker: Docker, cluster: string, client: KubeClient, log: (line: string) => void): Promise<void> {
  const registry = docker.getContainer(localRegistry.container)
  let inspect = await registry.inspect().catch((err: { statusCode?: number }) => {
    if (err.statusCode === 404) return null
    throw err
  })
  if (!inspect) {
    log(`pulling ${localRegistry.image}`)
    await new Promise<void>((resolve, reject) => {
      docker.pull(localRegistry.image, (err: Error | null, stream: NodeJS.ReadableStream) => {
        if (err) return reject(err)
        docker.modem.followProgress(stream, (done: Error | null) => (done ? reject(done) : resolve()))
      })
    })
    log(`creating ${localRegistry.container} on 127.0.0.1:${localRegistry.hostPort}`)
    await docker.createContainer({
      name: localRegistry.container,
      Image: localRegistry.image,
      HostConfig: {
        RestartPolicy: { Name: 'always' },
        NetworkMode: 'bridge',
        PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(localRegistry.hostPort) }] },
      },
    })
    inspect = await registry.inspect()
  }
  if (!inspect.State?.Running) {
    log(`starting ${localRegistry.container}`)
    await registry.start()
  }
  const nodes = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${kindClusterLabel}=${cluster}`] }) })
  const dir = `/etc/containerd/certs.d/localhost:${localRegistry.hostPort}`
  for (const node of nodes) {
    const name = (node.Names[0] ?? node.Id).replace(/^\//, '')
    log(`pointing ${name} at the registry (${dir}/hosts.toml)`)
    const exec = await docker.getContainer(node.Id).exec({ Cmd: ['sh', '-c', `mkdir -p '${dir}' && printf '[host."http://${localRegistry.container}:5000"]\\n' > '${dir}/hosts.toml'`], AttachStdout: false, AttachStderr: false })
    await exec.start({ Detach: true })
    for (let i = 0; ; i++) {
      const state = await exec.inspect()
      if (!state.Running) {
        if (state.ExitCode !== 0) throw new MeshdeckError(LocalClusterErrorCode.kindFailed, `Writing the registry config on ${name} exited with ${state.ExitCode}.`, 'Check the node with `docker exec` and try again.')
        break
      }
      if (i > 100) throw new MeshdeckError(LocalClusterErrorCode.kindFailed, `Writing the registry config on ${name} did not finish.`, 'Check the node with `docker exec`.')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  const networks = (inspect.NetworkSettings?.Networks ?? {}) as Record<string, unknown>
  if (!networks.kind) {
    log(`connecting ${localRegistry.container} to the kind network`)
    await docker.getNetwork('kind').connect({ Container: localRegistry.container })
  }
  await client.json(
    'PATCH',
    '/api/v1/namespaces/kube-public/configmaps/local-registry-hosting?fieldManager=meshdeck&force=true',
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'local-registry-hosting', namespace: 'kube-public' },
      data: { 'localRegistryHosting.v1': `host: "localhost:${localRegistry.hostPort}"\nhelp: "https://kind.sigs.k8s.io/docs/user/local-registry/"\n` },
    },
    'application/apply-patch+yaml',
  )
}
