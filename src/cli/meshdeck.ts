import { MeshdeckError } from '@shared/contract'
import { parseCliArgs, usage, UsageError } from './args'
import { serve } from './serve'
import { writeBootstrap } from './bootstrap'
import { runDemo } from './demo'
import { runCluster } from './cluster'
import { runAnalyze } from './analyze'
import { AnalyzeUsageError } from './analyze-args'

async function main(argv: string[]): Promise<void> {
  const args = parseCliArgs(argv)
  switch (args.command) {
    case 'help':
      process.stdout.write(usage)
      return
    case 'serve':
      await serve(args)
      return
    case 'demo':
      await runDemo(args)
      return
    case 'bootstrap':
      await writeBootstrap(args)
      return
    case 'cluster':
      await runCluster(args)
      return
    case 'analyze': {
      const code = await runAnalyze(args, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        stdin: readStdin,
        isTty: process.stdout.isTTY === true,
      })
      await exitAfterOutput(code)
      return
    }
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Exits once stdout and stderr have taken everything (a pipe to CI may be slower than we are). */
async function exitAfterOutput(code: number): Promise<never> {
  await Promise.all([new Promise((resolve) => process.stdout.write('', resolve)), new Promise((resolve) => process.stderr.write('', resolve))])
  process.exit(code)
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof AnalyzeUsageError) {
    console.error(err.message)
    process.exit(err.exitCode)
  }
  if (err instanceof UsageError) {
    console.error(err.message)
    process.exit(2)
  }
  console.error(`meshdeck: ${err instanceof Error ? err.message : String(err)}`)
  if (err instanceof MeshdeckError && err.hint) console.error(err.hint)
  process.exit(1)
})
