import type { DemoLogLine } from '../../shared/contract/demo'

/**
 * The last N lines a workload printed, like `kubectl logs --tail`. Bounded so a chatty or
 * crash-looping workload cannot grow Meshdeck's memory; a partial line waits for its newline.
 */
export class LogBuffer {
  private readonly lines: DemoLogLine[] = []
  private readonly partial = { stdout: '', stderr: '' }

  constructor(
    private readonly capacity = 1_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends a chunk of process output, splitting it into lines. */
  write(stream: 'stdout' | 'stderr', chunk: string): void {
    const text = this.partial[stream] + chunk
    const parts = text.split('\n')
    this.partial[stream] = parts.pop() ?? ''
    for (const part of parts) this.push(stream, part.replace(/\r$/, ''))
  }

  /** A line from the supervisor itself (started, exited, restarting). */
  note(text: string): void {
    this.push('supervisor', text)
  }

  tail(count = this.capacity): DemoLogLine[] {
    return this.lines.slice(Math.max(0, this.lines.length - count))
  }

  private push(stream: DemoLogLine['stream'], text: string): void {
    this.lines.push({ at: this.now().toISOString(), stream, text })
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity)
  }
}
