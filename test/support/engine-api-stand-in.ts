import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'

/**
 * A STAND-IN for the Docker Engine API (v1.56, test/fixtures/engine-api-v1.56), served on a unix
 * socket so the real dockerode client talks to it as to dockerd: GET /_ping, /info,
 * /containers/json (all, label filters) and a streaming /events. It is not an engine: kind's
 * stand-in (test/support/kind-stand-in/kind) adds and removes "node containers" through the private
 * /_stand-in/ routes, as real kind would through `docker run` / `docker rm`.
 */
const fixtures = join(__dirname, '..', 'fixtures', 'engine-api-v1.56')
export const standInApiVersion = '1.56'

export interface StandInContainer {
  Id: string
  Names: string[]
  Image: string
  State: string
  Labels: Record<string, string>
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[]
  [field: string]: unknown
}

export interface EngineStandIn {
  socket: string
  containers: StandInContainer[]
  info: Record<string, unknown>
  /** Requests seen, e.g. `GET /containers/json`, in order. */
  requests: string[]
  /** Answer 500 to everything but /_stand-in (a daemon in trouble). */
  failing: boolean
  /** Bodies of POST /containers/create, by the name asked for. */
  created: Record<string, Record<string, unknown>>
  /** Commands run through POST /containers/{id}/exec, with the container's name. */
  execs: { container: string; cmd: string[] }[]
  /** POST /networks/{id}/connect calls: network and container. */
  connects: { network: string; container: string }[]
  /** POST /build calls: the tag, the Dockerfile, and the files of the build context (read from its tar). */
  builds: { tag: string; dockerfile: string; files: string[] }[]
  /** Image references GET /images/{name}/json finds. */
  images: Set<string>
  addContainer(cluster: string, node: string, role: string, image: string, apiPort?: number): StandInContainer
  removeCluster(cluster: string): void
  setState(id: string, state: string): void
  stop(): Promise<void>
}

export function containerFixture(cluster: string, node: string, role: string, image: string, apiPort?: number): StandInContainer {
  const text = readFileSync(join(fixtures, 'container.json'), 'utf8')
    .replaceAll('{id}', randomBytes(32).toString('hex'))
    .replaceAll('{node}', node)
    .replaceAll('{image}', image)
    .replaceAll('{cluster}', cluster)
    .replaceAll('{role}', role)
  const container = JSON.parse(text) as StandInContainer
  if (apiPort) container.Ports = [{ IP: '127.0.0.1', PrivatePort: 6443, PublicPort: apiPort, Type: 'tcp' }]
  return container
}

/** Docker's label filter: `key` (present) or `key=value`; every given label must match. */
function matchesFilters(c: StandInContainer, filters: Record<string, string[] | Record<string, boolean>>): boolean {
  const labels = filters.label ? (Array.isArray(filters.label) ? filters.label : Object.keys(filters.label)) : []
  return labels.every((f) => {
    const eq = f.indexOf('=')
    return eq < 0 ? f in c.Labels : c.Labels[f.slice(0, eq)] === f.slice(eq + 1)
  })
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
  })
}

/** File names in a (possibly gzipped) tar: 512-byte ustar headers, name at 0, size (octal) at 124, prefix at 345. */
function tarEntries(raw: Buffer): string[] {
  const tar = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw
  const names: string[] = []
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512)
    if (header.every((b) => b === 0)) break
    const field = (from: number, length: number): string => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '')
    const size = parseInt(field(124, 12).trim() || '0', 8)
    const type = field(156, 1)
    const prefix = field(345, 155)
    if (type === '0' || type === '') names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    at += 512 + Math.ceil(size / 512) * 512
  }
  return names
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => resolve(body))
  })
}

export async function startEngineStandIn(socket: string): Promise<EngineStandIn> {
  rmSync(socket, { force: true })
  const listeners = new Set<{ res: ServerResponse; filters: Record<string, string[]> }>()
  const state: EngineStandIn = {
    socket,
    containers: [],
    info: JSON.parse(readFileSync(join(fixtures, 'info.json'), 'utf8')) as Record<string, unknown>,
    requests: [],
    failing: false,
    created: {},
    execs: [],
    connects: [],
    builds: [],
    images: new Set<string>(),
    addContainer: (cluster, node, role, image, apiPort) => {
      const container = containerFixture(cluster, node, role, image, apiPort)
      state.containers.push(container)
      event('create', container)
      event('start', container)
      return container
    },
    removeCluster: (cluster) => {
      for (const c of state.containers.filter((x) => x.Labels['io.x-k8s.kind.cluster'] === cluster)) {
        event('kill', c)
        event('die', c)
        event('destroy', c)
      }
      state.containers = state.containers.filter((c) => c.Labels['io.x-k8s.kind.cluster'] !== cluster)
    },
    setState: (id, next) => {
      const c = state.containers.find((x) => x.Id === id)
      if (!c) return
      c.State = next
      event(next === 'running' ? 'start' : 'die', c)
    },
    stop: async () => {
      for (const l of listeners) l.res.end()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections?.()
      rmSync(socket, { force: true })
    },
  }

  /** One EventMessage (swagger EventMessage) to every /events listener whose filters match. */
  function event(action: string, c: StandInContainer): void {
    const now = Date.now()
    const message = {
      Type: 'container',
      Action: action,
      Actor: { ID: c.Id, Attributes: { ...c.Labels, image: c.Image, name: (c.Names[0] ?? '').replace(/^\//, '') } },
      scope: 'local',
      time: Math.floor(now / 1000),
      timeNano: now * 1_000_000,
    }
    for (const l of listeners) {
      if (l.filters.type && !l.filters.type.includes('container')) continue
      if (!matchesFilters(c, l.filters)) continue
      l.res.write(`${JSON.stringify(message)}\n`)
    }
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://engine')
      // Clients may pin a version (/v1.56/…); the stand-in serves every path unversioned too.
      const path = url.pathname.replace(/^\/v\d+\.\d+/, '')
      state.requests.push(`${req.method ?? 'GET'} ${path}`)
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json', 'Api-Version': standInApiVersion })
        res.end(JSON.stringify(body))
      }
      if (path.startsWith('/_stand-in/')) {
        const body = req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as Record<string, string | number>) : {}
        if (path === '/_stand-in/containers' && req.method === 'POST') {
          return json(201, state.addContainer(String(body.cluster), String(body.node), String(body.role), String(body.image), body.apiPort ? Number(body.apiPort) : undefined))
        }
        if (path === '/_stand-in/containers' && req.method === 'DELETE') {
          state.removeCluster(url.searchParams.get('cluster') ?? '')
          return json(200, {})
        }
        if (path === '/_stand-in/containers' && req.method === 'GET') return json(200, state.containers)
        return json(404, { message: 'no such stand-in route' })
      }
      if (state.failing) return json(500, { message: 'Error response from daemon: the stand-in is failing' })
      if (path === '/_ping' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Api-Version': standInApiVersion, 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' })
        return res.end(req.method === 'HEAD' ? undefined : 'OK')
      }
      if (path === '/info') return json(200, state.info)
      const byRef = (ref: string): StandInContainer | undefined => state.containers.find((c) => c.Id === ref || c.Names[0] === `/${ref}`)
      const inspect = /^\/containers\/([^/]+)\/json$/.exec(path)
      if (inspect && req.method === 'GET') {
        // ContainerInspectResponse, the fields read: Id, Name, State, NetworkSettings.Networks.
        const c = byRef(decodeURIComponent(inspect[1] ?? ''))
        if (!c) return json(404, { message: `No such container: ${inspect[1]}` })
        return json(200, { Id: c.Id, Name: c.Names[0], State: { Status: c.State, Running: c.State === 'running' }, NetworkSettings: c.NetworkSettings ?? { Networks: {} } })
      }
      const image = /^\/images\/(.+)\/json$/.exec(path)
      if (image && req.method === 'GET') {
        const ref = decodeURIComponent(image[1] ?? '')
        return state.images.has(ref) ? json(200, { Id: `sha256:${'0'.repeat(64)}`, RepoTags: [ref] }) : json(404, { message: `No such image: ${ref}` })
      }
      if (path === '/build' && req.method === 'POST') {
        const tag = url.searchParams.get('t') ?? ''
        state.builds.push({ tag, dockerfile: url.searchParams.get('dockerfile') ?? 'Dockerfile', files: tarEntries(await readRaw(req)) })
        state.images.add(tag)
        res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': standInApiVersion })
        res.write(`${JSON.stringify({ stream: 'Step 1/8 : FROM node:20-slim\n' })}\n`)
        res.write(`${JSON.stringify({ aux: { ID: `sha256:${'1'.repeat(64)}` } })}\n`)
        return res.end(`${JSON.stringify({ stream: `Successfully tagged ${tag}\n` })}\n`)
      }
      if (path === '/networks/kind' && req.method === 'GET') {
        // NetworkInspect as kind's network has it: an IPv6 and an IPv4 subnet.
        return json(200, { Name: 'kind', Driver: 'bridge', IPAM: { Driver: 'default', Config: [{ Subnet: 'fc00:f853:ccd:e793::/64', Gateway: 'fc00:f853:ccd:e793::1' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] } })
      }
      if (path === '/images/create' && req.method === 'POST') {
        // The pull's progress stream (CreateImageInfo lines).
        res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': standInApiVersion })
        const image = `${url.searchParams.get('fromImage') ?? ''}${url.searchParams.get('tag') ? `:${url.searchParams.get('tag')}` : ''}`
        res.write(`${JSON.stringify({ status: `Pulling from library/${image}` })}\n`)
        return res.end(`${JSON.stringify({ status: `Status: Downloaded newer image for ${image}` })}\n`)
      }
      if (path === '/containers/create' && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}') as { Image?: string; Labels?: Record<string, string> }
        const name = url.searchParams.get('name') ?? ''
        state.created[name] = body
        const container = { ...containerFixture('', name, '', body.Image ?? ''), Labels: body.Labels ?? {}, State: 'created', NetworkSettings: { Networks: { bridge: {} } } }
        state.containers.push(container)
        return json(201, { Id: container.Id, Warnings: [] })
      }
      const start = /^\/containers\/([^/]+)\/start$/.exec(path)
      if (start && req.method === 'POST') {
        const c = byRef(decodeURIComponent(start[1] ?? ''))
        if (!c) return json(404, { message: `No such container: ${start[1]}` })
        c.State = 'running'
        res.writeHead(204)
        return res.end()
      }
      const exec = /^\/containers\/([^/]+)\/exec$/.exec(path)
      if (exec && req.method === 'POST') {
        const c = byRef(decodeURIComponent(exec[1] ?? ''))
        if (!c) return json(404, { message: `No such container: ${exec[1]}` })
        const body = JSON.parse((await readBody(req)) || '{}') as { Cmd?: string[] }
        state.execs.push({ container: (c.Names[0] ?? '').replace(/^\//, ''), cmd: body.Cmd ?? [] })
        return json(201, { Id: `exec-${state.execs.length}` })
      }
      if (/^\/exec\/[^/]+\/start$/.test(path) && req.method === 'POST') {
        await readBody(req)
        res.writeHead(200, { 'Api-Version': standInApiVersion })
        return res.end()
      }
      const execInspect = /^\/exec\/([^/]+)\/json$/.exec(path)
      if (execInspect) return json(200, { ID: execInspect[1], Running: false, ExitCode: 0 })
      const connect = /^\/networks\/([^/]+)\/connect$/.exec(path)
      if (connect && req.method === 'POST') {
        const body = JSON.parse((await readBody(req)) || '{}') as { Container?: string }
        const network = decodeURIComponent(connect[1] ?? '')
        state.connects.push({ network, container: body.Container ?? '' })
        const c = byRef(body.Container ?? '')
        if (c) c.NetworkSettings = { Networks: { ...((c.NetworkSettings as { Networks?: object } | undefined)?.Networks ?? {}), [network]: {} } }
        return json(200, {})
      }
      if (path === '/containers/json') {
        const all = url.searchParams.get('all') === 'true' || url.searchParams.get('all') === '1'
        const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as Record<string, string[]>
        return json(200, state.containers.filter((c) => (all || c.State === 'running') && matchesFilters(c, filters)))
      }
      if (path === '/events') {
        const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as Record<string, string[]>
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson', 'Api-Version': standInApiVersion })
        res.flushHeaders()
        const listener = { res, filters }
        listeners.add(listener)
        req.on('close', () => listeners.delete(listener))
        return
      }
      json(404, { message: `page not found: ${path}` })
    })()
  })
  await new Promise<void>((resolve) => server.listen(socket, resolve))
  return state
}
