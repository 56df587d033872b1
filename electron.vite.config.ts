import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

const shared = { '@shared': resolve(__dirname, 'src/shared') }

export default defineConfig({
  main: {
    resolve: { alias: shared },
    build: {
      rollupOptions: {
        // The Electron entry and the headless CLI share every service; only the entry imports electron.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          cli: resolve(__dirname, 'src/cli/meshdeck.ts'),
          // Each demo mesh workload is a child process running this entry (see src/main/demo).
          'demo-workload': resolve(__dirname, 'src/main/demo/io/workload/main.ts'),
          // Big mesh YAML files parse in a worker thread running this entry (see src/main/mesh/io/yaml-worker.ts).
          'mesh-parse-worker': resolve(__dirname, 'src/main/mesh/io/parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias: shared },
    // A sandboxed preload cannot require node_modules, so zod and the contract are bundled into it.
    build: { externalizeDeps: false },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    resolve: { alias: { ...shared, '@renderer': resolve(__dirname, 'src/renderer/src') } },
    plugins: [vue()],
    build: {
      rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') },
    },
  },
})
