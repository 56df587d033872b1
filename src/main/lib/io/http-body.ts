import type { IncomingMessage } from 'node:http'

export type BodyRead =
  | { ok: true; body: Buffer }
  /**
   * Over the limit. `drained` says the rest of the body was read (and dropped), so a 413 sent now
   * reaches the client; when false the client kept sending far past the limit and the answer must
   * close the connection.
   */
  | { ok: false; bytes: number; drained: boolean }

/** How far past the limit a body is read and dropped so that the client can still read the 413. */
const drainFactor = 8

/**
 * Reads a request body of at most `maxBytes`. A larger one is not kept: the rest is read and
 * dropped instead of resetting the connection, because a client still writing its body when the
 * socket is destroyed sees a reset, never the 413 that says what was wrong. Past `drainFactor`
 * times the limit it stops reading and gives up on the connection.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const settle = (result: BodyRead): void => {
      if (settled) return
      settled = true
      resolve(result)
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
      else if (chunks.length > 0) chunks.length = 0 // let the kept part go at once
      if (size > maxBytes * drainFactor) {
        req.pause()
        settle({ ok: false, bytes: size, drained: false })
      }
    })
    req.on('end', () => settle(size > maxBytes ? { ok: false, bytes: size, drained: true } : { ok: true, body: Buffer.concat(chunks) }))
    req.on('error', (err) => {
      if (!settled) {
        settled = true
        reject(err)
      }
    })
  })
}
