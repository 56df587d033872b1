import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export interface ServeProcess {
  url: string
  origin: string
  token: string
  port: number
  child: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

const root = join(__dirname, '..', '..')

/** Starts the real built `meshdeck serve` and waits for its one-line URL. */
export async function startServe(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  // Its own collector on a free port, so spans another process sends to 4318 never reach this test's Meshdeck.
  const tracesPort = args.includes('--traces-port') ? [] : ['--traces-port', '0']
  // Likewise its own metrics port: a scrape of 15014 reads whichever Meshdeck (or istiod) holds it.
  const monitoringPort = args.includes('--monitoring-port') ? [] : ['--monitoring-port', '0']
  const child = spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'serve', '--port', '0', ...tracesPort, ...monitoringPort, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshdeck serve printed no URL in 30 s:\n${output}`)), 30_000)
    const onData = (): void => {
      const match = /Meshdeck listening on (http:\/\/\S+)/.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`meshdeck serve exited with ${code}:\n${output}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** Calls one API method the way a script would. */
export async function callApi(serve: Pick<ServeProcess, 'origin' | 'token'>, method: string, params: unknown = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${serve.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${serve.token}` },
    body: JSON.stringify(params),
  })
  return { status: response.status, body: await response.json() }
}
