/** A log line read with timestamps on: the RFC 3339 time the runtime put first, then the text. */
export interface TimedLogLine {
  at: string
  text: string
}

/**
 * The lines of a timestamped log that fall within fromMs..toMs (the window around a span). A line
 * without a readable time (a runtime that did not stamp it) is left out rather than guessed.
 */
export function timedLinesIn(lines: readonly string[], fromMs: number, toMs: number): TimedLogLine[] {
  const out: TimedLogLine[] = []
  for (const line of lines) {
    const space = line.indexOf(' ')
    if (space <= 0) continue
    const at = Date.parse(line.slice(0, space))
    if (at >= fromMs && at <= toMs) out.push({ at: line.slice(0, space), text: line.slice(space + 1) })
  }
  return out
}
