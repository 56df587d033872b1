import { MeshdeckError } from '@shared/contract'
import { parseCliArgs, usage, UsageError } from './args'
import { serve } from './serve'
import { writeBootstrap } from './bootstrap'
import { runDemo } from './demo'
import { runCluster } from './cluster'

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
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    console.error(err.message)
    process.exit(2)
  }
  console.error(`meshdeck: ${err instanceof Error ? err.message : String(err)}`)
  if (err instanceof MeshdeckError && err.hint) console.error(err.hint)
  process.exit(1)
})
