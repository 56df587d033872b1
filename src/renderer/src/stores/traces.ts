import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { Result } from '@shared/contract'
import type { TraceHealthDto, TraceOutlineDto, TraceSummaryDto } from '@shared/contract/traces'
import { ApiCallError, call, on } from '../api/client'
import { emptyForm, toSearchParams, type SearchForm } from '../lib/traces/search-query'
import { splitOtlpJson } from '../lib/traces/otlp-chunks'

type Collector = Result<'traces.search'>['collector']

/** One message for any failure: the API's own words and hint, or the exception's. */
export function describeError(err: unknown): string {
  if (err instanceof ApiCallError) return err.error.hint ? `${err.error.message} ${err.error.hint}` : err.error.message
  return err instanceof Error ? err.message : String(err)
}

/**
 * The Traces page's data: the search and its results, the live tail (the `traces.tail` event —
 * no polling), ingest health (from the same event), and the trace open in the waterfall. Views
 * call start() when shown and stop() when hidden or left, so nothing listens in the background.
 */
export const useTracesStore = defineStore('traces', () => {
  const form = ref<SearchForm>(emptyForm())
  const results = shallowRef<TraceSummaryDto[]>([])
  const collector = ref<Collector>(null)
  const searchError = ref<string | null>(null)
  const searching = ref(false)
  const searched = ref(false)
  const tookMs = ref<number | null>(null)
  const health = shallowRef<TraceHealthDto | null>(null)
  /** Live tail on: new traces re-run the search (at most once a second, as the event comes). */
  const live = ref(true)
  /** New traces that arrived while paused. */
  const waiting = ref(0)

  const outline = shallowRef<TraceOutlineDto | null>(null)
  const outlineError = ref<string | null>(null)
  const loadingTrace = ref<string | null>(null)

  let unsubscribe: (() => void) | null = null
  let searchSeq = 0

  async function search(): Promise<void> {
    const { params, error } = toSearchParams(form.value, Date.now())
    if (error) {
      searchError.value = error
      return
    }
    const seq = ++searchSeq
    searching.value = true
    try {
      const result = await call('traces.search', params)
      if (seq !== searchSeq) return
      results.value = result.traces
      collector.value = result.collector
      tookMs.value = result.tookMs
      searchError.value = null
    } catch (err) {
      if (seq === searchSeq) searchError.value = describeError(err)
    } finally {
      if (seq === searchSeq) {
        searching.value = false
        searched.value = true
      }
    }
  }

  async function loadHealth(): Promise<void> {
    try {
      health.value = await call('traces.health', {})
      collector.value = health.value.collector
    } catch {
      // The search shows the error that matters; health stays as it was.
    }
  }

  function start(): void {
    if (unsubscribe) return
    void loadHealth()
    unsubscribe = on('traces.tail', (payload) => {
      health.value = payload.health
      if (live.value) void search()
      else waiting.value += payload.traces.length + payload.more
    })
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  function setLive(on: boolean): void {
    live.value = on
    if (on) {
      waiting.value = 0
      void search()
    }
  }

  async function openTrace(traceId: string): Promise<void> {
    if (outline.value?.traceId === traceId.toLowerCase().padStart(32, '0')) return
    loadingTrace.value = traceId
    outlineError.value = null
    try {
      const result = await call('traces.outline', { traceId })
      if (loadingTrace.value === traceId) outline.value = result
    } catch (err) {
      if (loadingTrace.value === traceId) {
        outline.value = null
        outlineError.value = describeError(err)
      }
    } finally {
      if (loadingTrace.value === traceId) loadingTrace.value = null
    }
  }

  function closeTrace(): void {
    outline.value = null
    outlineError.value = null
    loadingTrace.value = null
  }

  /** Sends a dropped OTLP/JSON file in pieces under the API's size limit; returns the trace ids it held. */
  async function importFile(text: string): Promise<{ traceIds: string[]; accepted: number; rejected: number }> {
    const traceIds = new Set<string>()
    let accepted = 0
    let rejected = 0
    // Under the API's 1 MiB body limit even once the JSON text is escaped inside the call's JSON.
    for (const piece of splitOtlpJson(text, 600_000)) {
      const result = await call('traces.import', { otlpJson: piece })
      result.traceIds.forEach((id) => traceIds.add(id))
      accepted += result.accepted
      rejected += result.rejected
    }
    return { traceIds: [...traceIds], accepted, rejected }
  }

  return { form, results, collector, searchError, searching, searched, tookMs, health, live, waiting, outline, outlineError, loadingTrace, search, loadHealth, start, stop, setLive, openTrace, closeTrace, importFile }
})
