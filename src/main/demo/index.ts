/**
 * The local demo mesh: bookinfo-like gRPC workloads (frontend → details, frontend → reviews
 * v1/v2/v3 → ratings) plus a load generator, each a supervised child process that is a
 * proxyless xDS client and server (grpc-js-xds XdsServer) of the embedded control plane.
 *
 *   const cp = await startControlPlane({ meshDir })
 *   const demo = await startDemoMesh({ controlPlaneAddress: cp.address, meshDir })
 *   demo.status() / demo.setLoad(20) / demo.setFault('reviews-v2', { errorRate: 0.5 }) / demo.logs('reviews-v2', 100)
 *   await demo.dispose()   // SIGTERM, SIGKILL after the grace period; removes its WorkloadEntries
 *
 * This entry is the pure part (the demo's topology and bootstraps); the supervisor, the service and
 * the workload program are in ./io.
 *
 * Or through Meshdeck: `meshdeck.demo.start({ controlPlaneAddress, meshDir })` (DemoService),
 * which also backs the demo.* API methods and the demo.workloadState event.
 *
 * One workload by hand (it needs a bootstrap naming the control plane):
 *   GRPC_XDS_BOOTSTRAP=/path/details-v1.bootstrap.json node --import tsx src/main/demo/io/workload/main.ts \
 *     --workload details-v1 --role details --port 41001
 * or, from the build, ELECTRON_RUN_AS_NODE=1 node out/main/demo-workload.js with the same flags.
 */
export { renderDemoBootstrap, demoNodeId } from './bootstrap'
export { demoWorkloads, demoHost, demoTarget, demoNamespace, demoServicePort, type DemoWorkloadSpec } from './topology'
export { demoTopologyWorkloads, demoCallEdges } from './topology-feed'
export { demoScrapeTargets, renderFileSd, demoScrapeJob, type FileSdGroup } from './scrape-targets'
export { istioDurationBucketsMs, istioLabelNames, requestLabels, type IstioLabels, type RequestOutcome, type PeerIdentity } from './istio-metrics'
