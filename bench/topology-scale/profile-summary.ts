/**
 * With TOPOLOGY_BENCH_PROFILE=1 the bench samples the renderer with V8's CPU profiler during the
 * updates and prints where the time went, by function: self time, then total (inclusive) time.
 */
import type { CDPSession } from 'playwright-core'

/** With TOPOLOGY_BENCH_PROFILE=1: where the update phase spends its time, by function (self time). */
export async function writeProfile(session: CDPSession): Promise<void> {
  const { profile } = (await session.send('Profiler.stop')) as unknown as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } }
  const self = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame
    const key = `${f?.functionName || '(anon)'} ${f?.url.split('/').pop() ?? ''}:${f?.lineNumber ?? 0}`
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  profile self ${v.toFixed(0).padStart(6)} ms  ${k}`)
  const parent = new Map<number, number>()
  for (const n of profile.nodes as { id: number; children?: number[] }[]) for (const c of n.children ?? []) parent.set(c, n.id)
  const total = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame
      const key = `${f?.functionName || '(anon)'} ${f?.url.split('/').pop() ?? ''}:${f?.lineNumber ?? 0}`
      if (seen.has(key)) continue
      seen.add(key)
      total.set(key, (total.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
    }
  })
  for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  profile total ${v.toFixed(0).padStart(6)} ms  ${k}`)
}

