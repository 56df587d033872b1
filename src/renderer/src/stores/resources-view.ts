import { computed, ref, type Ref } from 'vue'
import type { NamespaceRow, ResourceRow } from '@shared/contract'
import type { RowFilter } from '../lib/resources-filter'
import { useSubscriptions } from '../lib/subscriptions'

/** A view's filter state, the namespace choices (from the namespaces feed, or from the rows when that is forbidden), and a clock for ages. */
export function useResourceView(rowsOf: <R extends ResourceRow>(kind: 'namespaces') => R[], rows: () => ResourceRow[]): {
  filter: Ref<RowFilter>
  namespaces: Ref<string[]>
  now: Ref<number>
} {
  const filter = ref<RowFilter>({ namespaces: [], namespaceMode: 'include', text: '', selector: '' })
  const namespaces = computed(() => {
    const names = new Set(rowsOf<NamespaceRow>('namespaces').map((n) => n.name))
    for (const r of rows()) if (r.namespace) names.add(r.namespace)
    return [...names].sort()
  })
  const now = ref(Date.now())
  // Ages tick while the page is shown.
  useSubscriptions().poll(() => (now.value = Date.now()), 5_000, { immediate: false })
  return { filter, namespaces, now }
}
