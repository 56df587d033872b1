import { afterAll } from 'vitest'
import { formatLeaks, openLeakScope } from './leak-guard'

// Vitest setup file (vitest.config.mts setupFiles): every test file must end with nothing it
// created still running. Checked per file, not per test, because files share servers and clusters
// across their tests (started in beforeAll or a first test, stopped in afterAll). This afterAll was
// registered first, so it runs after the file's own afterAll hooks.

const scope = openLeakScope()

afterAll(async () => {
  const leaks = await scope.settle()
  if (leaks.length > 0) throw new Error(formatLeaks(leaks, 'This test file'))
}, 30_000)
