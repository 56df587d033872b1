import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

const alias = { '@shared': resolve(import.meta.dirname, 'src/shared') }
// Fails a test file that leaves a timer, child process, server, socket, watcher or Disposable behind.
// Also fails one in which a method answered with an error code its MethodSpec does not declare.
const setupFiles = ['test/leaks/setup.ts', 'test/support/declared-errors.ts']

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', setupFiles },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start real servers and clusters; two cores run them one file at a time.
          fileParallelism: false,
        },
      },
      {
        // Real kind and Docker: only where they exist (.github/workflows/desktop-and-kind.yml), not in npm test.
        resolve: { alias },
        test: { name: 'kind', include: ['test/kind/**/*.test.ts'], environment: 'node', testTimeout: 900_000, hookTimeout: 300_000, fileParallelism: false },
      },
    ],
  },
})
