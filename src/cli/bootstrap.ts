import { writeFileAtomic } from '../main/lib/atomic-write'
import { renderBootstrap } from '../main/xds'
import type { BootstrapArgs } from './args'

/** `meshdeck bootstrap`: the gRPC xDS bootstrap for a workload of a control plane on this machine. */
export async function writeBootstrap(args: BootstrapArgs): Promise<void> {
  const bootstrap = renderBootstrap({ nodeId: args.nodeId, xdsAddress: `127.0.0.1:${args.xdsPort}` })
  const text = `${JSON.stringify(bootstrap, null, 2)}\n`
  if (!args.out) {
    process.stdout.write(text)
    return
  }
  await writeFileAtomic(args.out, text)
  console.error(`wrote ${args.out}; run the workload with GRPC_XDS_BOOTSTRAP=${args.out}`)
}
