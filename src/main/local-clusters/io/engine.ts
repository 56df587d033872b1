import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { Disposable } from '../../lib/disposable'
import { isKindContainerEvent, kindClusterLabel, type ContainerSummary } from '../engine-clusters'
import type { EngineInfo, EngineName, KindFacts } from '../preflight-checks'

export interface EngineEndpoint {
  name: EngineName
  chosenBy: KindFacts['engine']['chosenBy']
  /** The Engine API's unix socket (or Windows named pipe), or null when none was found. */
  socket: string | null
  searched: string[]
}

function dockerSockets(env: NodeJS.ProcessEnv): string[] {
  const home = homedir()
  const fromEnv = env.DOCKER_HOST?.startsWith('unix://') ? [env.DOCKER_HOST.slice('unix://'.length)] : env.DOCKER_HOST?.startsWith('npipe://') ? [env.DOCKER_HOST.slice('npipe://'.length)] : []
  if (fromEnv.length > 0) return fromEnv
  if (process.platform === 'win32') return ['//./pipe/docker_engine']
  return [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ]
}

function podmanSockets(env: NodeJS.ProcessEnv): string[] {
  const fromEnv = env.CONTAINER_HOST?.startsWith('unix://') ? [env.CONTAINER_HOST.slice('unix://'.length)] : []
  if (fromEnv.length > 0) return fromEnv
  if (process.platform === 'win32') return ['//./pipe/podman-machine-default']
  return [
    ...(env.XDG_RUNTIME_DIR ? [join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
    join(homedir(), '.local', 'share', 'containers', 'podman', 'machine', 'podman.sock'),
  ]
}

function present(path: string): boolean {
  return path.startsWith('//./pipe/') || existsSync(path)
}

/**
 * Which engine kind will use, and where its Engine API listens: the Settings choice, else
 * KIND_EXPERIMENTAL_PROVIDER, else the first engine whose socket exists (docker before podman, as
 * kind tries them). DOCKER_HOST / CONTAINER_HOST (unix://, npipe://) name the socket.
 */
export function resolveEngine(setting: EngineName | null, env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const fromEnv = env.KIND_EXPERIMENTAL_PROVIDER
  const explicit: { name: EngineName; chosenBy: EngineEndpoint['chosenBy'] } | null = setting
    ? { name: setting, chosenBy: 'setting' }
    : fromEnv === 'docker' || fromEnv === 'podman' || fromEnv === 'nerdctl'
      ? { name: fromEnv, chosenBy: 'KIND_EXPERIMENTAL_PROVIDER' }
      : null
  const sockets = (name: EngineName): string[] => (name === 'docker' ? dockerSockets(env) : name === 'podman' ? podmanSockets(env) : [])
  if (explicit) {
    const searched = sockets(explicit.name)
    return { ...explicit, socket: searched.find(present) ?? null, searched }
  }
  for (const name of ['docker', 'podman'] as const) {
    const searched = sockets(name)
    const socket = searched.find(present)
    if (socket) return { name, chosenBy: 'detected', socket, searched }
  }
  return { name: 'docker', chosenBy: 'detected', socket: null, searched: [...dockerSockets(env), ...podmanSockets(env)] }
}

/** An Engine API event as GET /events streams it (EventMessage). */
export interface EngineEvent {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  time?: number
}

/**
 * The container engine through its own API, with the real dockerode client: ping, info, kind's
 * node containers, and the event stream that tells when they change.
 */
export class EngineClient {
  readonly docker: Docker

  constructor(readonly socket: string) {
    this.docker = new Docker({ socketPath: socket })
  }

  /** GET /_ping, with the Api-Version the engine announces; throws with the cause when it is not there. */
  async ping(timeoutMs = 3_000): Promise<{ apiVersion: string | null }> {
    const result = await withTimeout(this.docker.ping(), timeoutMs, `no answer from ${this.socket} within ${timeoutMs} ms`)
    const text = Buffer.isBuffer(result) ? result.toString('utf8') : String(result)
    if (text.trim() !== 'OK') throw new Error(`unexpected /_ping answer ${JSON.stringify(text.slice(0, 40))}`)
    return { apiVersion: null }
  }

  async info(): Promise<EngineInfo> {
    return (await withTimeout(this.docker.info(), 5_000, 'GET /info timed out')) as EngineInfo
  }

  /** Every container (running or not) carrying kind's cluster label. */
  async kindContainers(): Promise<ContainerSummary[]> {
    return (await this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [kindClusterLabel] }) })) as unknown as ContainerSummary[]
  }

  /**
   * Follows GET /events for kind's containers and calls onChange for each that may change the list;
   * reconnects after an error (the engine restarted) every `retryMs`. onState reports whether the
   * stream is up.
   */
  watch(onChange: () => void, onState: (up: boolean, error?: string) => void, retryMs = 5_000): Disposable {
    let disposed = false
    let stream: NodeJS.ReadableStream | null = null
    let retry: NodeJS.Timeout | null = null
    const connect = async (): Promise<void> => {
      if (disposed) return
      try {
        stream = await this.docker.getEvents({ filters: JSON.stringify({ type: ['container'], label: [kindClusterLabel] }) } as unknown as Docker.GetEventsOptions)
      } catch (err) {
        onState(false, (err as Error).message)
        schedule()
        return
      }
      if (disposed) {
        destroy(stream)
        return
      }
      onState(true)
      // Whatever happened while we were not listening: read the list again.
      onChange()
      let rest = ''
      stream.on('data', (chunk: Buffer | string) => {
        const lines = (rest + chunk.toString()).split('\n')
        rest = lines.pop() ?? ''
        for (const line of lines) {
          if (!line.trim()) continue
          try {
            if (isKindContainerEvent(JSON.parse(line) as EngineEvent)) onChange()
          } catch {
            // a partial or foreign line: ignore
          }
        }
      })
      const ended = (err?: Error): void => {
        if (disposed) return
        stream = null
        onState(false, err?.message ?? 'the event stream ended')
        schedule()
      }
      stream.once('error', ended)
      stream.once('end', () => ended())
    }
    const schedule = (): void => {
      if (disposed || retry) return
      retry = setTimeout(() => {
        retry = null
        void connect()
      }, retryMs)
    }
    void connect()
    return {
      dispose: () => {
        disposed = true
        if (retry) clearTimeout(retry)
        if (stream) destroy(stream)
      },
    }
  }
}

function destroy(stream: NodeJS.ReadableStream): void {
  const s = stream as NodeJS.ReadableStream & { destroy?: () => void }
  s.removeAllListeners()
  s.on('error', () => undefined)
  s.destroy?.()
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (err: unknown) => {
        clearTimeout(timer)
        reject(err instanceof Error ? err : new Error(String(err)))
      },
    )
  })
}
