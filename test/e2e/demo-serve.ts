import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServe, type ServeProcess } from '../support/serve-process'

export interface DemoServe {
  serve: ServeProcess
  /** Its own MESHDECK_HOME (the demo's mesh folder lives in it). */
  home: string
  stop: () => Promise<void>
}

/**
 * `meshdeck serve --demo` with an empty kubeconfig and a home of its own: the demo fills Topology,
 * Canary, Traces, Security and Control plane; the cluster pages show their empty states.
 */
export async function startDemoServe(label: string): Promise<DemoServe> {
  const home = mkdtempSync(join(tmpdir(), `meshdeck-e2e-${label}-`))
  const kubeconfig = join(home, 'kubeconfig')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\ncontexts: []\n')
  const serve = await startServe(['--demo', '--xds-port', '0', '--kubeconfig', kubeconfig], { MESHDECK_HOME: home })
  return {
    serve,
    home,
    stop: async () => {
      await serve.stop()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
