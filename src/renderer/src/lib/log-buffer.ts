/** Pure log-buffer logic for the logs panel (no I/O, unit-tested). */

/** Keeps the newest `max` lines; a long-running follow never grows without bound. */
export class LogBuffer {
  lines: string[] = []
  dropped = 0
  constructor(readonly max = 5_000) {}

  push(lines: string[]): void {
    this.lines.push(...lines)
    const over = this.lines.length - this.max
    if (over > 0) {
      this.lines.splice(0, over)
      this.dropped += over
    }
  }

  clear(): void {
    this.lines = []
    this.dropped = 0
  }
}

/** Lines containing `search` (case-insensitive); all lines when it is empty. */
export function searchLines(lines: string[], search: string): string[] {
  const needle = search.trim().toLowerCase()
  return needle ? lines.filter((l) => l.toLowerCase().includes(needle)) : lines
}
