import { z } from 'zod'
import { method } from './define'

export const kubeContextSchema = z.object({
  name: z.string(),
  cluster: z.string(),
  user: z.string(),
  namespace: z.string().nullable(),
  /** The API server URL (no credentials). */
  server: z.string().nullable(),
  /** True for the kubeconfig's own current-context; Meshdeck never rewrites it. */
  isKubeconfigCurrent: z.boolean(),
})
export type KubeContext = z.infer<typeof kubeContextSchema>

export const kubeconfigFileIssueSchema = z.object({
  file: z.string(),
  message: z.string(),
  hint: z.string().optional(),
})

export const contextListSchema = z.object({
  /** Files read, in merge order (KUBECONFIG order, first wins as kubectl does). */
  files: z.array(z.string()),
  contexts: z.array(kubeContextSchema),
  /** Files that could not be read; the others still load. */
  problems: z.array(kubeconfigFileIssueSchema),
  selected: z.string().nullable(),
})
export type ContextList = z.infer<typeof contextListSchema>

export const clusterMethods = {
  'clusters.listContexts': method(
    z.object({}).strict(),
    contextListSchema,
    'Contexts from the merged kubeconfig, the files read, and any file that failed to load.',
  ),
  'clusters.selectContext': method(
    z.object({ name: z.string().min(1) }).strict(),
    z.object({ selected: z.string() }),
    "Look at another context. The kubeconfig's own current-context is left as it is.",
  ),
}
