import { z } from 'zod'
import { clusterAccessErrors } from './clusters'
import { event, method } from './define'

/** Istio's levels, worst first. */
export const findingLevelSchema = z.enum(['Error', 'Warning', 'Info'])
export type FindingLevel = z.infer<typeof findingLevelSchema>

/**
 * One thing wrong with the mesh config, as `meshdeck analyze` prints it: Istio's code, level and
 * words where Istio's analysis has the same finding (IST…), Meshdeck's own otherwise (MDK…), on an
 * object (and its file and line when it came from one), with the fix. docs/analysis.md lists them.
 */
export const findingSchema = z.object({
  code: z.string(),
  level: findingLevelSchema,
  analyzer: z.string(),
  /** The object; absent for a file or document that could not be read. */
  kind: z.string().optional(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  file: z.string().optional(),
  line: z.number().int().optional(),
  /** Istio field path, e.g. spec.http[0].route[1].destination.subset. */
  field: z.string().optional(),
  message: z.string(),
  fix: z.string(),
  /** Other objects it concerns, "Kind ns/name": a page showing one of them shows the finding too. */
  related: z.array(z.string()),
})
export type FindingDto = z.infer<typeof findingSchema>

export const levelCountsSchema = z.object({ Error: z.number().int(), Warning: z.number().int(), Info: z.number().int() })

export const analysisStateSchema = z.object({
  /**
   * off: no control plane runs, so there is no config to analyse; pending: config was read and its
   * analysis is due (within the debounce); ready: `findings` are those of `version`.
   */
  state: z.enum(['off', 'pending', 'ready']),
  /** The config source version analysed (the Control plane page's sourceVersion); null before the first analysis. */
  version: z.number().int().nullable(),
  analysedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  /** Istio objects analysed. */
  objects: z.number().int(),
  counts: levelCountsSchema,
  findings: z.array(findingSchema),
})
export type AnalysisStateDto = z.infer<typeof analysisStateSchema>

/** The findings of a connected cluster's mesh objects, against its Services, endpoints and Pods. */
export const clusterAnalysisSchema = z.object({
  context: z.string(),
  analysedAt: z.string(),
  durationMs: z.number(),
  /** Istio objects analysed. */
  objects: z.number().int(),
  counts: levelCountsSchema,
  findings: z.array(findingSchema),
  /** Lists the kubeconfig user may not read or the cluster does not serve (e.g. "Pods"). */
  unlisted: z.array(z.string()),
  /** What could not be checked because of them; null when everything was. The findings that need them are left out, never guessed. */
  note: z.string().nullable(),
})
export type ClusterAnalysisDto = z.infer<typeof clusterAnalysisSchema>

export const analysisMethods = {
  'analysis.findings': method(
    z.object({}).strict(),
    analysisStateSchema,
    'Findings of the analysis of the mesh config as written (each change is analysed within a debounce): Istio\'s codes where Istio has the same finding, MDK codes for Meshdeck\'s own; docs/analysis.md.',
    [],
  ),
  'analysis.clusterFindings': method(
    z.object({ context: z.string().min(1) }).strict(),
    clusterAnalysisSchema,
    "Findings of a kubeconfig context's Istio objects, against its Services, endpoints and Pods (read once and reused for a few seconds). A list the user may not read leaves out the findings that need it and says so in `note`.",
    ['unavailable', ...clusterAccessErrors],
  ),
}

export const analysisEvents = {
  'analysis.changed': event(
    z.object({ version: z.number().int().nullable(), counts: levelCountsSchema }),
    'The findings changed: a config change was analysed (or the control plane went away). Read them with analysis.findings.',
  ),
}
