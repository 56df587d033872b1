/** The demo mesh, the I/O part: the supervisor of the workload processes, its service, and the mesh files it writes. */
export { startDemoMesh, type DemoMesh, type DemoMeshOptions } from './demo-mesh'
export { DemoService } from './demo-service'
export { secureDemoBootstrap } from './demo-security'
export { workloadEntriesFile } from './mesh-config'
export { defaultWorkloadCommand, type WorkloadCommand } from './workload-command'
export { registerDemoApi, demoTopologySources } from './demo-api'
