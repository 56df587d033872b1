import type { DemoStatus } from '@shared/contract'

export interface DemoCommand {
  id: string
  label: string
  detail: string
  run: () => void | Promise<void>
}

export interface DemoActions {
  setFault(workload: string, fault: { errorRate: number; errorCode: 'UNAVAILABLE'; latencyMs: number }): Promise<unknown>
  restart(workload: string): Promise<unknown>
  setLoad(rps: number): Promise<unknown>
}

/** Load generator rates the palette offers; 0 pauses it. */
const rates = [0, 1, 5, 20, 50]

/**
 * The demo's knobs as command palette actions: break or heal a workload, restart it, set the load.
 * Nothing when no demo runs, so the palette of a cluster user stays about their cluster.
 */
export function demoCommands(status: DemoStatus | null, actions: DemoActions): DemoCommand[] {
  if (!status?.running) return []
  const commands: DemoCommand[] = []
  for (const w of status.workloads) {
    if (w.host !== null) {
      commands.push({
        id: `demo:fail:${w.name}`,
        label: `Demo: make ${w.name} fail 30 % of its calls`,
        detail: 'UNAVAILABLE, like a bad release; the topology and a rollout will see it',
        run: () => void actions.setFault(w.name, { errorRate: 0.3, errorCode: 'UNAVAILABLE', latencyMs: 0 }),
      })
      if (w.fault.errorRate > 0 || w.fault.latencyMs > 0) {
        commands.push({
          id: `demo:heal:${w.name}`,
          label: `Demo: clear ${w.name}'s injected faults`,
          detail: `now ${Math.round(w.fault.errorRate * 100)} % errors, +${w.fault.latencyMs} ms`,
          run: () => void actions.setFault(w.name, { errorRate: 0, errorCode: 'UNAVAILABLE', latencyMs: 0 }),
        })
      }
    }
    commands.push({ id: `demo:restart:${w.name}`, label: `Demo: restart ${w.name}`, detail: `${w.state}, ${w.restarts} restarts so far`, run: () => void actions.restart(w.name) })
  }
  if (status.load) {
    for (const rps of rates.filter((r) => r !== status.load?.rps)) {
      commands.push({
        id: `demo:load:${rps}`,
        label: rps === 0 ? 'Demo: pause the load generator' : `Demo: load generator at ${rps} rps`,
        detail: `now ${status.load.rps} rps to frontend`,
        run: () => void actions.setLoad(rps),
      })
    }
  }
  return commands
}
