import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitFor } from './wait'

/**
 * A real Prometheus (Debian's `prometheus` package, installed by scripts/install-test-deps.sh),
 * started by a test on a free loopback port with a temporary config and storage, and stopped by
 * it. Never the system service: each test file owns its own and the leak guard checks it is gone.
 */
export const prometheusBinary = '/usr/bin/prometheus'
export const promtoolBinary = '/usr/bin/promtool'

export interface TestPrometheus {
  readonly url: string
  readonly dir: string
  readonly log: () => string
  /** Stops Prometheus (SIGTERM, then SIGKILL) and removes its files. */
  dispose(): Promise<void>
}

export interface TestPrometheusOptions {
  /** file_sd_configs files to scrape, each its own job (the groups in them may set `job`). */
  fileSd?: string[]
  /** Static targets (host:port) scraped as job "static". */
  staticTargets?: string[]
  /** Scrape and evaluation interval; 1 s keeps tests quick. */
  scrapeInterval?: string
  /** An existing TSDB folder to serve (e.g. backfilled blocks), instead of a fresh one. */
  storagePath?: string
  /** Extra flags, e.g. --storage.tsdb.retention.time. */
  extraArgs?: string[]
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export async function startTestPrometheus(options: TestPrometheusOptions = {}): Promise<TestPrometheus> {
  if (!existsSync(prometheusBinary)) throw new Error(`${prometheusBinary} is missing: run scripts/install-test-deps.sh (it installs Debian's prometheus package)`)
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-prometheus-'))
  const interval = options.scrapeInterval ?? '1s'
  const jobs: string[] = []
  for (const [i, file] of (options.fileSd ?? []).entries()) {
    jobs.push(`  - job_name: file-sd-${i}\n    file_sd_configs:\n      - files: [${JSON.stringify(file)}]\n        refresh_interval: 1s`)
  }
  if (options.staticTargets?.length) jobs.push(`  - job_name: static\n    static_configs:\n      - targets: ${JSON.stringify(options.staticTargets)}`)
  const config = `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\nscrape_configs:\n${jobs.join('\n') || '  []'}\n`
  writeFileSync(join(dir, 'prometheus.yml'), config.replace('scrape_configs:\n  []', 'scrape_configs: []'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const child: ChildProcess = spawn(
    prometheusBinary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${options.storagePath ?? join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...(options.extraArgs ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let gone = false
  void exited.then(() => (gone = true))
  const dispose = async (): Promise<void> => {
    if (!gone) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(
      'Prometheus to be ready',
      async () => {
        if (gone) throw new Error(`Prometheus exited at start:\n${output}`)
        try {
          const res = await fetch(`${url}/-/ready`)
          await res.text()
          return res.ok
        } catch {
          return false
        }
      },
      30_000,
      100,
    )
  } catch (err) {
    await dispose()
    throw err
  }
  return { url, dir, log: () => output, dispose }
}

/** One instant query straight against the HTTP API (the test's own view, not Meshdeck's client). */
export async function instantQuery(url: string, query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)
  const body = (await res.json()) as { status: string; error?: string; data?: { result: { metric: Record<string, string>; value: [number, string] }[] } }
  if (body.status !== 'success') throw new Error(`query ${query} failed: ${body.error}`)
  return body.data?.result ?? []
}
