import type { ServiceEntry } from '../../mesh'
import { matchesLabels, selectorText } from '../context'
import { refOfObject } from '../finding'
import type { Analyzer } from './analyzer'

export const conflictingProtocolAnalyzer: Analyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  description: 'Checks if multiple ServiceEntries define the same host and port with different protocols',
  codes: ['IST0177'],
  analyze(ctx, report) {
    // scope/host/port → the entries declaring it, with the protocol each gives it.
    const index = new Map<string, { protocol: string; entry: ServiceEntry }[]>()
    for (const entry of ctx.snapshot.serviceEntries) {
      const exportTo = (entry.spec.exportTo as string[] | undefined) ?? []
      const scopes = exportTo.length === 0 || exportTo.includes('*') ? ['*'] : [...new Set(exportTo.map((e) => (e === '.' ? entry.namespace : e)))]
      for (const scope of scopes) {
        for (const host of entry.spec.hosts ?? []) {
          for (const port of entry.spec.ports ?? []) {
            const key = `${scope}\n${host}\n${port.number}`
            index.set(key, [...(index.get(key) ?? []), { protocol: (port.protocol ?? '').toUpperCase(), entry }])
          }
        }
      }
    }
    const reported = new Set<ServiceEntry>()
    for (const [key, own] of index) {
      const [scope, host = '', port = ''] = key.split('\n')
      const entries = scope === '*' ? own : [...own, ...(index.get(`*\n${host}\n${port}`) ?? [])]
      const protocols = [...new Set(entries.map((e) => e.protocol))].sort()
      if (protocols.length < 2) continue
      const names = [...new Set(entries.map((e) => `${e.entry.namespace}/${e.entry.name}`))].sort()
      for (const { entry } of entries) {
        if (reported.has(entry)) continue
        reported.add(entry)
        report(entry, {
          code: 'IST0177',
          args: [names.join(', '), host, Number(port), protocols.join(', ')],
          field: 'metadata.name',
          fix: `Give port ${port} of ${host} one protocol (GRPC for proxyless gRPC services) in every ServiceEntry that declares it, or declare the host in one ServiceEntry only.`,
          related: entries.map((e) => e.entry).filter((e) => e !== entry).map(refOfObject),
        })
      }
    }
  },
}

export const workloadSelectionAnalyzer: Analyzer = {
  name: 'serviceentry.WorkloadSelectorAnalyzer',
  description: 'Checks that ServiceEntry workload selectors select workloads, and that every WorkloadEntry is selected by a service',
  codes: ['IST0127', 'MDK0009'],
  analyze(ctx, report) {
    const entriesIn = groupBy(ctx.snapshot.serviceEntries, (e) => e.namespace)
    const servicesIn = groupBy(ctx.snapshot.kubernetesServices, (s) => s.namespace)
    for (const entry of ctx.snapshot.serviceEntries) {
      const selector = entry.spec.workloadSelector?.labels
      if (!selector || Object.keys(selector).length === 0) continue
      if (ctx.workloadsIn(entry.namespace).some((w) => matchesLabels(w.labels, selector))) continue
      report(entry, {
        code: 'IST0127',
        args: [selectorText(selector)],
        field: 'spec.workloadSelector.labels',
        fix: `Add a WorkloadEntry in namespace ${entry.namespace} with labels ${selectorText(selector)}, or fix the selector; until then ${(entry.spec.hosts ?? []).join(', ')} has no endpoints.`,
      })
    }
    for (const workload of ctx.snapshot.workloadEntries) {
      const labels = workload.spec.labels ?? {}
      const byEntry = (entriesIn.get(workload.namespace) ?? []).some((e) => {
        const selector = e.spec.workloadSelector?.labels
        return selector !== undefined && Object.keys(selector).length > 0 && matchesLabels(labels, selector)
      })
      // A Kubernetes Service may select WorkloadEntries too (istiod follows that).
      const byService = (servicesIn.get(workload.namespace) ?? []).some((s) => s.selector && Object.keys(s.selector).length > 0 && matchesLabels(labels, s.selector))
      if (byEntry || byService) continue
      report(workload, {
        code: 'MDK0009',
        args: [`${workload.namespace}/${workload.name}`, selectorText(labels) || '(none)'],
        field: 'spec.labels',
        fix: `Give it the labels a ServiceEntry's workloadSelector in namespace ${workload.namespace} selects, or add a ServiceEntry selecting ${selectorText(labels) || 'it'}.`,
      })
    }
  },
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const list = groups.get(key(item)) ?? []
    list.push(item)
    groups.set(key(item), list)
  }
  return groups
}
