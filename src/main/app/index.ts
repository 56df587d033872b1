/** The composition root: createMeshdeck builds every service, registers each domain's API and orders start and stop. */
export { createMeshdeck, defaultDataDir, type Meshdeck, type MeshdeckOptions } from './meshdeck'
export { desktopOptions, shouldRunDemoByDefault } from './demo-default'
