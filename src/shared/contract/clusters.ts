import { z } from 'zod'
import { event, method } from './define'
import { clusterErrorCodes, type ClusterErrorCode } from './error-codes'
import { apiErrorSchema } from './errors'

/** What adding a kubeconfig file may answer with (not a cluster's answers: nothing is contacted). */
const addKubeconfigErrors = ['kubeconfig_file_not_found', 'kubeconfig_file_invalid', 'kubeconfig_no_contexts', 'kubeconfig_already_read', 'kubeconfig_not_added'] as const

/** What any method that talks to a context's cluster may answer with. */
export const clusterAccessErrors = (Object.keys(clusterErrorCodes) as ClusterErrorCode[]).filter((c) => !(addKubeconfigErrors as readonly string[]).includes(c))

/** A kubeconfig file added from the UI: names only; its credentials stay in main. */
export const addedKubeconfigSchema = z.object({
  /** The file as Meshdeck reads it (symbolic links resolved). */
  file: z.string(),
  /** Its contexts, in file order. */
  contexts: z.array(z.string()),
  /** Those an earlier file already defines: the earlier one wins, as in kubectl. */
  shadowed: z.array(z.string()),
})
export type AddedKubeconfig = z.infer<typeof addedKubeconfigSchema>

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
  'clusters.addKubeconfig': method(
    z.object({ path: z.string().trim().min(1).max(4096) }).strict(),
    addedKubeconfigSchema,
    "Adds a kubeconfig file to the ones Meshdeck reads (after KUBECONFIG's), by an absolute path or one starting with ~/: checked first (exists, parses, has contexts), then linked from Meshdeck's data folder, never copied. Answers with its context names only.",
    [...addKubeconfigErrors],
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
