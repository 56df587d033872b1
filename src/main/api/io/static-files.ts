import { createReadStream, promises as fs } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
}

/** Serves the built renderer; refuses anything outside its folder. Returns false when not found. */
export async function serveStaticFile(root: string, urlPath: string, res: ServerResponse): Promise<boolean> {
  const base = resolve(root)
  let relative: string
  try {
    relative = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath)
  } catch {
    return false
  }
  const file = resolve(join(base, relative))
  if (file !== base && !file.startsWith(base + sep)) return false
  let stat
  try {
    stat = await fs.stat(file)
  } catch {
    return false
  }
  if (!stat.isFile()) return false
  res.statusCode = 200
  res.setHeader('Content-Type', mimeTypes[extname(file)] ?? 'application/octet-stream')
  res.setHeader('Content-Length', stat.size)
  // Hashed asset names can be cached; the page itself must always be fresh.
  res.setHeader('Cache-Control', file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable')
  await new Promise<void>((done, failed) => {
    const stream = createReadStream(file)
    stream.on('error', failed)
    stream.on('end', () => done())
    stream.pipe(res)
  })
  return true
}
