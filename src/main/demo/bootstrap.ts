import { renderBootstrap, type BootstrapOptions } from '../xds'
import { demoNamespace, type DemoWorkloadSpec } from './topology'

/**
 * The node identity a demo workload presents to the control plane, in Istio's proxyless form
 * `sidecar~IP~NAME.NAMESPACE~NAMESPACE.svc.cluster.local`, so a control plane (ours, or istiod)
 * can tell which workload, namespace and labels a stream belongs to.
 */
export function demoNodeId(workload: DemoWorkloadSpec): string {
  return `sidecar~127.0.0.1~${workload.name}.${demoNamespace}~${demoNamespace}.svc.cluster.local`
}

export function demoNodeMetadata(workload: DemoWorkloadSpec): Record<string, unknown> {
  return {
    NAMESPACE: demoNamespace,
    WORKLOAD_NAME: workload.name,
    LABELS: { app: workload.role, version: workload.version },
    INSTANCE_IPS: '127.0.0.1',
    GENERATOR: 'grpc',
  }
}

/**
 * The bootstrap JSON (what GRPC_XDS_BOOTSTRAP points at) for one demo workload, rendered by the
 * control plane's own renderer so the server template and node shape always match what it serves.
 */
export function renderDemoBootstrap(
  controlPlaneAddress: string,
  workload: DemoWorkloadSpec,
  /** The workload's certificate files (from the mesh CA), so mTLS and RBAC can apply to it. */
  certificateProviders?: BootstrapOptions['certificateProviders'],
): string {
  const bootstrap = renderBootstrap({
    nodeId: demoNodeId(workload),
    xdsAddress: controlPlaneAddress,
    cluster: workload.role,
    metadata: demoNodeMetadata(workload),
    certificateProviders,
  })
  return `${JSON.stringify(bootstrap, null, 2)}\n`
}
