import { demoNamespace, demoWorkloads, renderDemoBootstrap, type DemoWorkloadSpec } from '..'
import type { DemoMeshOptions } from './demo-mesh'
import type { SecurityService } from '../../security/io'

/**
 * Issues every demo workload its SPIFFE certificate (ns demo, service account = its role, files
 * per instance) before the demo starts, and returns the bootstrap renderer that names those files
 * as the `meshdeck` certificate provider: the control plane's TLS contexts and RBAC refer to it.
 */
export async function secureDemoBootstrap(
  security: SecurityService,
  workloads: readonly DemoWorkloadSpec[] = demoWorkloads,
): Promise<NonNullable<DemoMeshOptions['renderBootstrap']>> {
  const providers = new Map<string, Awaited<ReturnType<SecurityService['workloadSecurity']>>['certificateProviders']>()
  for (const spec of workloads) {
    const issued = await security.workloadSecurity({ namespace: demoNamespace, serviceAccount: spec.role, name: spec.name })
    providers.set(spec.name, issued.certificateProviders)
  }
  return (controlPlaneAddress, spec) => renderDemoBootstrap(controlPlaneAddress, spec, providers.get(spec.name))
}
