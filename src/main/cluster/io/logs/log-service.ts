import { randomUUID } from 'node:crypto'
import { MeshdeckError, type ApiError, type LogOptions } from '@shared/contract'
import { trackDisposable, type Disposable } from '../../../lib/disposable'
import type { KubeClient } from '../kube-client'
import { KubeRequestError } from '../kube-client'
import { LineSplitter } from '../../logs/line-splitter'

export interface LogEvents {
  lines: (streamId: string, lines: string[]) => void
  ended: (streamId: string, error: ApiError | null) => void
}

interface Stream {
  abort: AbortController
  splitter: LineSplitter
  pending: string[]
}

/** A person rarely watches more than a few logs; old streams are closed rather than piling up. */
const maxStreams = 8

/**
 * Container logs through the API server (pods/log), followed or not, with the previous instance
 * and timestamps on request. Lines cross to the renderer in batches every 100 ms.
 */
export class LogService implements Disposable {
  private readonly streams = new Map<string, Stream>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly clientFor: (context: string) => Promise<KubeClient>,
    private readonly events: LogEvents,
  ) {
    trackDisposable(this)
  }

  async start(opts: LogOptions): Promise<{ streamId: string }> {
    const client = await this.clientFor(opts.context)
    const streamId = randomUUID()
    const query = new URLSearchParams({ container: opts.container, follow: String(opts.follow), previous: String(opts.previous), timestamps: String(opts.timestamps), tailLines: String(opts.tailLines) })
    const path = `/api/v1/namespaces/${encodeURIComponent(opts.namespace)}/pods/${encodeURIComponent(opts.pod)}/log?${query}`
    const stream: Stream = { abort: new AbortController(), splitter: new LineSplitter(), pending: [] }
    while (this.streams.size >= maxStreams) this.stop(this.streams.keys().next().value as string)
    this.streams.set(streamId, stream)
    this.timer ??= setInterval(() => this.flush(), 100)
    client
      .text(path, (text) => stream.pending.push(...stream.splitter.push(text)), stream.abort.signal)
      .then(
        () => this.finish(streamId, null),
        (err: unknown) => this.finish(streamId, explainLogError(client, err, opts)),
      )
    return { streamId }
  }

  private finish(streamId: string, error: ApiError | null): void {
    const stream = this.streams.get(streamId)
    if (!stream) return
    stream.pending.push(...stream.splitter.end())
    this.flushOne(streamId, stream)
    this.streams.delete(streamId)
    this.events.ended(streamId, stream.abort.signal.aborted ? null : error)
  }

  stop(streamId: string): void {
    const stream = this.streams.get(streamId)
    if (!stream) return
    stream.abort.abort()
    this.streams.delete(streamId)
    this.events.ended(streamId, null)
  }

  private flush(): void {
    for (const [id, stream] of this.streams) this.flushOne(id, stream)
    if (this.streams.size === 0 && this.timer) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private flushOne(id: string, stream: Stream): void {
    if (stream.pending.length === 0) return
    const lines = stream.pending
    stream.pending = []
    this.events.lines(id, lines)
  }

  dispose(): void {
    for (const id of [...this.streams.keys()]) this.stop(id)
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}

function explainLogError(client: KubeClient, err: unknown, opts: LogOptions): ApiError {
  if (err instanceof KubeRequestError && err.status === 400) {
    return new MeshdeckError(
      'logs_unavailable',
      `No ${opts.previous ? 'previous ' : ''}log for container "${opts.container}" of pod ${opts.namespace}/${opts.pod}: ${err.detail}`,
      opts.previous ? 'The container has not restarted, so there is no previous instance; turn off "previous".' : 'The container may not have started yet.',
    ).toApiError()
  }
  return client.explain(err).toApiError()
}
