import { parseArgs } from 'node:util'

export interface ServeArgs {
  command: 'serve'
  port: number
  host: string
  kubeconfig?: string
  context?: string
  demo: boolean
  open: boolean
}

export interface HelpArgs {
  command: 'help'
}

export type CliArgs = ServeArgs | HelpArgs

export class UsageError extends Error {}

export const usage = `Usage:
  meshdeck serve [--port N] [--host H] [--kubeconfig PATH] [--context NAME] [--demo]
      Serve the Meshdeck UI and API on http://127.0.0.1:PORT (default port 7420; 0 picks a free one).
  meshdeck help
`

export function parseCliArgs(argv: string[]): CliArgs {
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') return { command: 'help' }
  if (command !== 'serve') throw new UsageError(`Unknown command "${command}".\n\n${usage}`)
  let values
  try {
    ;({ values } = parseArgs({
      args: rest,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        demo: { type: 'boolean', default: false },
        open: { type: 'boolean', default: false },
      },
    }))
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${usage}`)
  }
  const port = values.port === undefined ? 7420 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got "${values.port}".`)
  }
  return {
    command: 'serve',
    port,
    host: values.host ?? '127.0.0.1',
    kubeconfig: values.kubeconfig,
    context: values.context,
    demo: values.demo ?? false,
    open: values.open ?? false,
  }
}
