import { z } from 'zod'
import { event, method } from './define'
import { clusterErrorCodes, type ClusterErrorCode } from './error-codes'
import { apiErrorSchema } from './errors'

/** What any method that talks to a context's cluster may answer with. */
export const clusterAccessErrors = Object.keys(clusterErrorCodes) as ClusterErrorCode[]

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

export const connectionSchema = z.object({
  context: z.string(),
  state: z.enum(['connecting', 'connected', 'failed', 'disconnected']),
  server: z.string().nullable(),
  /** e.g. v1.20.2, once connected. */
  serverVersion: z.string().nullable(),
  /** The context's namespace (default when unset): where a namespace-limited user looks. */
  namespace: z.string(),
  error: apiErrorSchema.nullable(),
})
export type Connection = z.infer<typeof connectionSchema>

const contextParam = z.object({ context: z.string().min(1) }).strict()

export const clusterEvents = {
  'clusters.connection': event(connectionSchema, 'A context connected, failed (with cause and fix) or disconnected.'),
}

export const clusterMethods = {
  'clusters.listContexts': method(
    z.object({}).strict(),
    contextListSchema,
    'Contexts from the merged kubeconfig, the files read, and any file that failed to load.',
    [],
  ),
  'clusters.selectContext': method(
    z.object({ name: z.string().min(1) }).strict(),
    z.object({ selected: z.string() }),
    "Look at another context. The kubeconfig's own current-context is left as it is.",
    ['unknown_context'],
  ),
  'clusters.connect': method(contextParam, connectionSchema, 'Connect to a context (several may be connected at once); a failure says why and how to fix it.', []),
  'clusters.disconnect': method(contextParam, z.object({ ok: z.literal(true) }), 'Disconnect a context and stop its watches.', []),
  'clusters.connections': method(z.object({}).strict(), z.array(connectionSchema), 'Every context Meshdeck has connected to, with its state.', []),
}
