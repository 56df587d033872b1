import { defaultDataDir } from '../main/app'
import { writeFileAtomic } from '../main/lib/io/atomic-write'
import { SecurityService, issueBootstrapCertificates, registryScanIntervalMs, type BootstrapCertificates } from '../main/security/io'
import { renderBootstrap } from '../main/xds'
import type { BootstrapArgs } from './args'

/** `meshdeck bootstrap`: the gRPC xDS bootstrap for a workload of a control plane on this machine. */
export async function writeBootstrap(args: BootstrapArgs, dataDir = defaultDataDir()): Promise<void> {
  // Certificates first: a refused identity leaves no bootstrap behind that names files that do not exist.
  const certs = args.certs ? await issueCertificates(args, dataDir) : null
  const bootstrap = renderBootstrap({
    nodeId: args.nodeId,
    xdsAddress: `127.0.0.1:${args.xdsPort}`,
    metadata: certs?.metadata,
    certificateProviders: certs?.certificateProviders,
  })
  const text = `${JSON.stringify(bootstrap, null, 2)}\n`
  if (!args.out) process.stdout.write(text)
  else {
    await writeFileAtomic(args.out, text)
    console.error(`wrote ${args.out}; run the workload with GRPC_XDS_BOOTSTRAP=${args.out}`)
  }
  if (certs) console.error(renewalNotice(certs, dataDir))
}

async function issueCertificates(args: BootstrapArgs, dataDir: string): Promise<BootstrapCertificates> {
  const request = args.certs!
  // The trust domain given here is the one a new CA is made with; an existing CA must match it.
  const security = new SecurityService({ dataDir, trustDomain: request.trustDomain })
  try {
    return await issueBootstrapCertificates(security, args.nodeId, request)
  } finally {
    security.dispose()
  }
}

/** A one-shot command renews nothing: say who does, and how long the certificate lasts without it. */
function renewalNotice({ summary }: BootstrapCertificates, dataDir: string): string {
  // From now, not from notBefore (which is backdated for clock skew).
  const hours = (Date.parse(summary.notAfter) - Date.now()) / 3_600_000
  return [
    `issued ${summary.spiffeId} into ${summary.directory} (cert-chain.pem, key.pem with mode 0600, root-cert.pem);`,
    `the certificate lives ${Number(hours.toFixed(1))} h: it expires at ${summary.notAfter}.`,
    `Renewal needs a running Meshdeck on the same data folder: \`meshdeck serve\` (or the desktop app) with MESHDECK_HOME=${dataDir}`,
    `takes this workload over when it starts, or within ${registryScanIntervalMs / 1000} s if it is running, and renews it before it expires.`,
    `Without one, this workload's mTLS calls fail after ${summary.notAfter}. (Registered in ${summary.registrationFile}; delete it to stop the renewals.)`,
  ].join('\n')
}
