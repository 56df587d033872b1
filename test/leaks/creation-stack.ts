import { dirname, relative, resolve, sep } from 'node:path'

// Where a leaked resource was created, shown as the developer's own code first: frames from this
// guard, Node's internals and the test runner are noise in a leak report.

const repoRoot = resolve(import.meta.dirname, '../..')
const guardDir = resolve(import.meta.dirname)

/** Captures the current call stack (formatted only if a leak is reported, so capture stays cheap). */
export function captureCreationStack(): Error {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 40
  const stack = new Error('created here')
  Error.stackTraceLimit = limit
  return stack
}

interface Frame {
  readonly text: string
  readonly file: string | null
}

function parseFrames(stack: Error): Frame[] {
  const lines = (stack.stack ?? '').split('\n').slice(1)
  return lines.map((line) => {
    const text = line.trim().replace(/^at /, '')
    const location = /\(([^()]+):\d+:\d+\)$/.exec(text)?.[1] ?? /^(?:async )?([^ ()]+):\d+:\d+$/.exec(text)?.[1] ?? null
    const file = location?.startsWith('file://') ? decodeURIComponent(location.slice('file://'.length)) : location
    return { text, file }
  })
}

const isGuardFrame = (f: Frame): boolean =>
  f.file !== null && (dirname(f.file) === guardDir || f.file.endsWith(`${sep}src${sep}main${sep}lib${sep}disposable.ts`))
const isNoise = (f: Frame): boolean =>
  f.file === null ||
  f.file.startsWith('node:') ||
  f.file.includes(`${sep}node_modules${sep}vitest${sep}`) ||
  f.file.includes(`${sep}node_modules${sep}@vitest${sep}`)
const isProjectFile = (file: string | null): boolean =>
  file !== null && file.startsWith(repoRoot + sep) && !file.includes(`${sep}node_modules${sep}`)

/** Whether the code that called the tracked API (the first frame outside this guard) is ours, not a library's. */
export function createdByProjectCode(stack: Error): boolean {
  const caller = parseFrames(stack).find((f) => !isGuardFrame(f) && f.file !== null && !f.file.startsWith('node:'))
  return caller !== undefined && isProjectFile(caller.file)
}

/** The frames worth reading, paths relative to the repository, at most `max` of them. */
export function formatCreationStack(stack: Error, max = 12): string[] {
  const frames = parseFrames(stack).filter((f) => !isGuardFrame(f) && !isNoise(f))
  return frames.slice(0, max).map((f) => (f.file === null ? f.text : f.text.replace(f.file, relative(repoRoot, f.file)).replace('file://', '')))
}

/** The first frame in our own code (src/, test/...), which is usually the line to fix. */
export function firstProjectFrame(stack: Error): string | null {
  const frame = parseFrames(stack).find((f) => !isGuardFrame(f) && isProjectFile(f.file))
  return frame ? frame.text.replace(frame.file as string, relative(repoRoot, frame.file as string)) : null
}

/** The function that called the tracked API (`startMeshTopologyFeed`), if it has a name. */
export function creatorName(stack: Error): string | null {
  const caller = parseFrames(stack).find((f) => !isGuardFrame(f) && f.file !== null && !f.file.startsWith('node:'))
  const name = caller && /^(?:async )?(?:new )?([\w$.<>]+) \(/.exec(caller.text)?.[1]
  return name && name !== '<anonymous>' ? name : null
}
