import { test as base } from '@playwright/test'
import { startServe, type ServeProcess } from '../support/serve-process'
import { writeTempKubeconfig } from '../support/kubeconfig-fixture'

/** One real `meshdeck serve` per worker, shared by the tests in it. */
export const test = base.extend<object, { serve: ServeProcess }>({
  serve: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const kubeconfig = writeTempKubeconfig()
      const serve = await startServe(['--kubeconfig', kubeconfig.path])
      await use(serve)
      await serve.stop()
      kubeconfig.cleanup()
    },
    { scope: 'worker' },
  ],
})

export { expect } from '@playwright/test'

export const screenshotDir = 'artifacts/screenshots'
