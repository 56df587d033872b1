/**
 * The worker-thread entry that parses big mesh files off the main thread (see yaml-worker.ts).
 * Built as out/main/mesh-parse-worker.js; from source it runs through tsx.
 *
 * Out first: { ready: true } once loaded. In: { id, text, file }. Out: { id, objects } and
 * { id, problems } in slices (the main thread copies each message in one go, so no single copy
 * stalls it), then { id, done: true }.
 */
import { parentPort } from 'node:worker_threads'
import { parseMeshYaml } from '../parse-yaml'
import type { ParseRequest, ParseReply } from '../yaml-worker-protocol'

/** Objects per message: a slice costs the main thread about a millisecond to receive. */
const slice = 200

const port = parentPort
if (!port) throw new Error('parse-worker runs as a worker thread')
port.on('message', ({ id, text, file }: ParseRequest) => {
  const send = (reply: ParseReply): void => port.postMessage(reply)
  try {
    const { objects, problems } = parseMeshYaml(text, file)
    for (let i = 0; i < objects.length; i += slice) send({ id, objects: objects.slice(i, i + slice) })
    for (let i = 0; i < problems.length; i += slice) send({ id, problems: problems.slice(i, i + slice) })
    send({ id, done: true })
  } catch (err) {
    send({ id, done: true, error: err instanceof Error ? err.message : String(err) })
  }
})
port.postMessage({ ready: true })
