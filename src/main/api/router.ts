import {
  ErrorCode,
  MeshdeckError,
  isMethodName,
  methods,
  type ApiError,
  type CallOutcome,
  type MethodName,
  type Params,
  type Result,
} from '@shared/contract'
import type { z } from 'zod'
import { isDeclaredFor, noteUndeclaredError } from './declared-errors'
import type { Disposable } from '../lib/disposable'

export type Handler<M extends MethodName> = (
  params: z.output<(typeof methods)[M]['params']>,
) => Promise<Result<M>> | Result<M>

/** Handlers for some of the contract's methods, as one domain registers them. */
export type HandlerMap = { [M in MethodName]?: Handler<M> }

/** Turns a zod failure into a message a person can act on: which field, what was wrong. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(params)'}: ${issue.message}`)
    .join('; ')
}

/**
 * The one place every call from a renderer, script or test comes through. It validates params
 * against the contract before a service sees them, validates results before they leave, and turns
 * any failure into `{ code, message, hint }` — never a stack trace.
 */
export class Router {
  private readonly handlers: HandlerMap = {}

  /** Answers `name` with `handler` until the returned Disposable is disposed (then: not available). */
  register<M extends MethodName>(name: M, handler: Handler<M>): Disposable {
    const handlers = this.handlers as Record<string, unknown>
    if (handlers[name]) throw new Error(`method ${name} is registered twice`)
    handlers[name] = handler
    return {
      dispose: () => {
        if (handlers[name] === handler) delete handlers[name]
      },
    }
  }

  /** Registers a domain's methods at once; disposing the result unregisters all of them. */
  registerAll(handlers: HandlerMap): Disposable {
    const registered: Disposable[] = []
    try {
      for (const name of Object.keys(handlers) as MethodName[]) registered.push(this.register(name, handlers[name] as Handler<typeof name>))
    } catch (err) {
      for (const r of registered) void r.dispose()
      throw err
    }
    return { dispose: () => registered.forEach((r) => void r.dispose()) }
  }

  /** Methods of the contract that no service implements; a unit test keeps this empty. */
  missingHandlers(): MethodName[] {
    return (Object.keys(methods) as MethodName[]).filter((name) => !this.handlers[name])
  }

  async call(name: unknown, rawParams: unknown): Promise<CallOutcome> {
    if (!isMethodName(name)) {
      return fail({
        code: ErrorCode.unknownMethod,
        message: `Unknown method ${JSON.stringify(name)}.`,
        hint: 'See docs/api.md for the list of methods.',
      })
    }
    const spec = methods[name]
    const parsed = spec.params.safeParse(rawParams ?? {})
    if (!parsed.success) {
      return fail({
        code: ErrorCode.invalidParams,
        message: `Invalid parameters for ${name}: ${describeZodError(parsed.error)}`,
        hint: 'Fix the listed fields and call again; nothing was changed.',
      })
    }
    const handler = this.handlers[name] as Handler<MethodName> | undefined
    if (!handler) {
      return fail({
        code: ErrorCode.unavailable,
        message: `${name} is not available in this Meshdeck.`,
        hint: 'The service behind it did not start; see the log for why.',
      })
    }
    let result: unknown
    try {
      result = await handler(parsed.data as never)
    } catch (err) {
      const error = toApiError(err)
      if (!isDeclaredFor(spec, error.code)) noteUndeclaredError(name, error.code)
      return fail(error)
    }
    const checked = spec.result.safeParse(result)
    if (!checked.success) {
      return fail({
        code: ErrorCode.invalidResult,
        message: `${name} produced a result outside the contract: ${describeZodError(checked.error)}`,
        hint: 'This is a Meshdeck bug; please report it with this message.',
      })
    }
    return { ok: true, result: checked.data }
  }

  /** For in-process callers (CLI, tests): the result, or a thrown MeshdeckError. */
  async invoke<M extends MethodName>(name: M, params: Params<M>): Promise<Result<M>> {
    const outcome = await this.call(name, params)
    if (!outcome.ok) throw MeshdeckError.from(outcome.error)
    return outcome.result as Result<M>
  }
}

/** A MeshdeckError keeps its code, words and hint; anything else is `internal`, with its message only. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof MeshdeckError) return err.toApiError()
  const message = err instanceof Error ? err.message : String(err)
  return { code: ErrorCode.internal, message, hint: 'Unexpected failure; the Meshdeck log has details.' }
}

function fail(error: ApiError): CallOutcome {
  return { ok: false, error }
}
