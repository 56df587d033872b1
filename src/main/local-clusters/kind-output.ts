/**
 * Reads kind's progress lines. Without a terminal kind prints each phase as ` • TITLE  ...` when it
 * starts and ` ✓ TITLE` / ` ✗ TITLE` when it ends (pkg/internal/cli/status.go), and a failure as
 * `ERROR: …` (cmd/kind/app/main.go) followed by the failed command's output. Pure: lines in, events out.
 */
export type KindOutputEvent =
  | { type: 'stepStarted'; title: string }
  | { type: 'stepEnded'; title: string; ok: boolean }
  | { type: 'error'; message: string }
  | { type: 'line'; text: string }

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;?]*[A-Za-z]/g
const started = /^\s*•\s+(.*?)\s+\.\.\.\s*$/
const ended = /^\s*([✓✗])\s+(.*?)\s*$/
const error = /^ERROR:\s*(.*)$/

/** kind decorates step titles with emoji; the UI shows the words (emoji fonts are not a given). */
export function plainStepTitle(title: string): string {
  return title.replace(/(?:\s|\p{Extended_Pictographic}|\u{FE0F}|\p{Emoji_Modifier})+$/u, '').trim()
}

/** One line as kind printed it, without colours and spinner carriage returns. */
export function cleanKindLine(raw: string): string {
  const text = raw.replace(ansi, '')
  // A spinner redraws with \r; only what follows the last one is on screen.
  const last = text.lastIndexOf('\r')
  return (last >= 0 ? text.slice(last + 1) : text).replace(/\s+$/, '')
}

export function parseKindLine(raw: string): KindOutputEvent {
  const text = cleanKindLine(raw)
  const start = started.exec(text)
  if (start) return { type: 'stepStarted', title: plainStepTitle(start[1] ?? '') }
  const end = ended.exec(text)
  if (end) return { type: 'stepEnded', title: plainStepTitle(end[2] ?? ''), ok: end[1] === '✓' }
  const err = error.exec(text)
  if (err) return { type: 'error', message: (err[1] ?? '').trim() }
  return { type: 'line', text }
}

/** Splits a byte stream into lines; `\r` alone is kept inside a line (cleanKindLine resolves it). */
export class LineSplitter {
  private rest = ''

  push(chunk: string): string[] {
    const text = this.rest + chunk
    const parts = text.split('\n')
    this.rest = parts.pop() ?? ''
    return parts
  }

  end(): string[] {
    const rest = this.rest
    this.rest = ''
    return rest === '' ? [] : [rest]
  }
}
