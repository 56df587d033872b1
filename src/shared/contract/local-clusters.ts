import { z } from 'zod'
import { event, method } from './define'
import { apiErrorSchema } from './errors'
import type { localClusterErrorCodes, MeshdeckErrorCode } from './error-codes'

/**
 * Local clusters: kind clusters driven through kind's own CLI (and seen through the container
 * engine's API), and Docker-free clusters whose etcd + kube-apiserver + controller-manager +
 * scheduler run as Meshdeck's child processes on loopback.
 */

/** Names for the codes local-clusters' services throw (declared with their titles in error-codes.ts). */
export const LocalClusterErrorCode = {
  kindNotFound: 'kind_not_found',
  kindTooOld: 'kind_too_old',
  kindFailed: 'kind_failed',
  engineNotFound: 'engine_not_found',
  engineNotRunning: 'engine_not_running',
  rootlessNeedsCgroupV2: 'rootless_needs_cgroup_v2',
  inotifyLimits: 'inotify_limits',
  invalidSpec: 'invalid_cluster_spec',
  portInUse: 'port_in_use',
  clusterExists: 'cluster_exists',
  clusterNotFound: 'cluster_not_found',
  clusterNotRunning: 'cluster_not_running',
  binariesNotFound: 'binaries_not_found',
  componentFailed: 'component_failed',
  operationBusy: 'operation_busy',
  operationNotFound: 'operation_not_found',
  cancelled: 'cancelled',
  notSupported: 'not_supported',
  kubeconfigWrite: 'kubeconfig_write_failed',
  sandboxFailed: 'sandbox_step_failed',
} as const satisfies Record<string, keyof typeof localClusterErrorCodes | 'cancelled'>
export type LocalClusterErrorCodeValue = (typeof LocalClusterErrorCode)[keyof typeof LocalClusterErrorCode]

/** kind: containers made by kind's CLI. processes: the Docker-free cluster (no kubelet). */
export const localClusterProviderSchema = z.enum(['kind', 'processes'])
export type LocalClusterProvider = z.infer<typeof localClusterProviderSchema>

/** Where a new cluster's kubeconfig entries go: Meshdeck's own file (default) or merged into yours too. */
export const kubeconfigTargetSchema = z.enum(['meshdeck', 'merge'])
export type KubeconfigTarget = z.infer<typeof kubeconfigTargetSchema>

const name = z.string().max(200)

export const kindPortMappingSchema = z.object({
  containerPort: z.number().int(),
  hostPort: z.number().int(),
  /** Host address to bind; kind's default is 0.0.0.0. */
  listenAddress: z.string().max(64).optional(),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
})
export type KindPortMapping = z.infer<typeof kindPortMappingSchema>

/** The create form: what kind's v1alpha4 config is built from. */
export const kindClusterSpecSchema = z.object({
  name,
  /** e.g. kindest/node:v1.31.0; kind's default when empty. */
  nodeImage: z.string().max(300).optional(),
  controlPlanes: z.number().int(),
  workers: z.number().int(),
  extraPortMappings: z.array(kindPortMappingSchema).max(50),
  /** Label the control plane `ingress-ready=true` and map host 80/443 to it (kind's ingress guide). */
  ingress: z.boolean().optional(),
  /** A local registry (kind-registry on localhost:5001), per kind's local-registry recipe. */
  registry: z.boolean().optional(),
})
export type KindClusterSpec = z.infer<typeof kindClusterSpecSchema>

export const createLocalClusterParamsSchema = z.discriminatedUnion('provider', [
  z
    .object({
      provider: z.literal('kind'),
      /** The form; ignored when configYaml is given. */
      spec: kindClusterSpecSchema.optional(),
      /** A whole kind config (kind.x-k8s.io/v1alpha4 Cluster), checked before kind sees it. */
      configYaml: z.string().max(256 * 1024).optional(),
      /** kind's --retain: keep the nodes of a failed create for debugging. */
      retain: z.boolean().optional(),
      kubeconfig: kubeconfigTargetSchema.optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal('processes'),
      name,
      kubeconfig: kubeconfigTargetSchema.optional(),
    })
    .strict(),
])
export type CreateLocalClusterParams = z.infer<typeof createLocalClusterParamsSchema>

export const specProblemSchema = z.object({
  /** The form field, e.g. name, extraPortMappings[1].hostPort, configYaml. */
  field: z.string(),
  message: z.string(),
})
export type SpecProblem = z.infer<typeof specProblemSchema>

export const localClusterStateSchema = z.enum(['running', 'stopped', 'partial', 'creating', 'deleting'])
export type LocalClusterState = z.infer<typeof localClusterStateSchema>

export const localClusterNodeSchema = z.object({
  name: z.string(),
  /** control-plane, worker, external-load-balancer (kind's io.x-k8s.kind.role). */
  role: z.string(),
  /** The engine's container state (running, exited, …). */
  state: z.string(),
  image: z.string().nullable(),
})

export const localClusterComponentSchema = z.object({
  /** etcd, kube-apiserver, kube-controller-manager, kube-scheduler. */
  name: z.string(),
  state: z.enum(['running', 'stopped']),
  pid: z.number().int().nullable(),
})

export const localClusterSchema = z.object({
  name: z.string(),
  provider: localClusterProviderSchema,
  state: localClusterStateSchema,
  /** The kubeconfig context Meshdeck lists it under, when it has one. */
  context: z.string().nullable(),
  /** meshdeck: in Meshdeck's kubeconfig only; merged: also in your kubeconfig. */
  kubeconfig: z.enum(['meshdeck', 'merged', 'none']),
  /** https://127.0.0.1:PORT (kind: the host port mapped to 6443/tcp). */
  server: z.string().nullable(),
  nodes: z.array(localClusterNodeSchema),
  /** Docker-free clusters: each control-plane process. */
  components: z.array(localClusterComponentSchema),
  /** False for the Docker-free cluster: pods are never run there. */
  runsPods: z.boolean(),
  kubernetesVersion: z.string().nullable(),
  createdAt: z.string().nullable(),
})
export type LocalCluster = z.infer<typeof localClusterSchema>

export const operationStepSchema = z.object({
  id: z.string(),
  title: z.string(),
  state: z.enum(['pending', 'running', 'done', 'failed', 'skipped', 'cancelled']),
  startedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  /** Why it was skipped, or what it is doing now. */
  detail: z.string().optional(),
})
export type OperationStep = z.infer<typeof operationStepSchema>

export const operationKindSchema = z.enum(['create', 'delete', 'start', 'stop', 'sandbox', 'loadImage'])

export const localClusterOperationSchema = z.object({
  id: z.string(),
  kind: operationKindSchema,
  provider: localClusterProviderSchema,
  cluster: z.string(),
  state: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  steps: z.array(operationStepSchema),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  error: apiErrorSchema.optional(),
  /** The last lines the tool printed (kind's output), for a failure's context. */
  log: z.array(z.string()),
  /** The context the cluster is connected as, once known. */
  context: z.string().nullable(),
})
export type LocalClusterOperation = z.infer<typeof localClusterOperationSchema>

export const preflightCheckSchema = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warn', 'fail', 'skipped']),
  /** What was found (the cause, when it failed). */
  detail: z.string(),
  /** What to do about it. */
  fix: z.string().optional(),
})
export type PreflightCheck = z.infer<typeof preflightCheckSchema>

export const preflightSchema = z.object({
  provider: localClusterProviderSchema,
  /** No failed check: create can start. */
  ready: z.boolean(),
  checks: z.array(preflightCheckSchema),
  kind: z.object({ path: z.string(), version: z.string() }).nullable(),
  engine: z.object({ name: z.enum(['docker', 'podman', 'nerdctl']), socket: z.string().nullable(), version: z.string().nullable() }).nullable(),
  /** Docker-free: the folder the control-plane binaries come from. */
  binariesDir: z.string().nullable(),
})
export type Preflight = z.infer<typeof preflightSchema>

export const localClusterSettingsSchema = z.object({
  /** kind binary; null: look on PATH. */
  kindPath: z.string().nullable(),
  /** Folder with etcd, kube-apiserver, …; null: KUBEBUILDER_ASSETS, setup-envtest's folder, Meshdeck's cache. */
  binariesDir: z.string().nullable(),
  /** KIND_EXPERIMENTAL_PROVIDER for kind; null: kind's own detection. */
  engine: z.enum(['docker', 'podman', 'nerdctl']).nullable(),
})
export type LocalClusterSettings = z.infer<typeof localClusterSettingsSchema>

const clusterRef = z.object({ name: z.string().min(1).max(200), provider: localClusterProviderSchema }).strict()
const operationResult = z.object({ operation: localClusterOperationSchema })

/** What an action on one existing cluster may answer with. */
const clusterErrors: MeshdeckErrorCode[] = ['cluster_not_found', 'not_supported', 'operation_busy']
/** What starting a create (or a sandbox) may answer with before any step runs: bad input, preflight. */
const startErrors: MeshdeckErrorCode[] = ['invalid_cluster_spec', 'operation_busy', 'binaries_not_found', 'kind_not_found', 'kind_too_old', 'engine_not_found', 'engine_not_running', 'rootless_needs_cgroup_v2']

export const localClusterMethods = {
  'localClusters.list': method(
    z.object({}).strict(),
    z.object({
      clusters: z.array(localClusterSchema),
      operations: z.array(localClusterOperationSchema),
      /** Why kind clusters may be missing (engine down, no kind): null when the engine answered. */
      kindProblem: apiErrorSchema.nullable(),
    }),
    'kind clusters (from the engine: containers labelled io.x-k8s.kind.cluster) and Docker-free clusters, with state, nodes and context; and operations under way.', [],
  ),
  'localClusters.preflight': method(
    z.object({ provider: localClusterProviderSchema }).strict(),
    preflightSchema,
    'Checks before a create: kind present and new enough, engine found and running, cgroup v2 when rootless, memory and inotify limits; or the Docker-free binaries. Each failure has its cause and fix.', [],
  ),
  'localClusters.settings': method(z.object({}).strict(), localClusterSettingsSchema, 'Where kind and the Docker-free binaries are taken from, and which engine kind is asked to use.', []),
  'localClusters.configure': method(
    localClusterSettingsSchema.partial().strict(),
    localClusterSettingsSchema,
    'Set the kind binary, the Docker-free binaries folder or the engine (KIND_EXPERIMENTAL_PROVIDER); null goes back to finding them.', ['invalid_cluster_spec', 'binaries_not_found', 'kind_not_found'],
  ),
  'localClusters.validate': method(
    createLocalClusterParamsSchema,
    z.object({ problems: z.array(specProblemSchema), configYaml: z.string().nullable() }),
    'Checks a create request without starting anything: names kind refuses, host ports in use, broken configs, each with its field; and the kind config that would be used.', ['kind_not_found', 'kind_too_old', 'engine_not_found', 'engine_not_running'],
  ),
  'localClusters.create': method(
    createLocalClusterParamsSchema,
    operationResult,
    'Starts creating a cluster (refused with the field named when the input is bad) and returns the operation; progress comes as localClusters.operation events.', [...startErrors, 'cluster_exists', 'port_in_use'],
  ),
  'localClusters.cancel': method(
    z.object({ operationId: z.string().min(1) }).strict(),
    operationResult,
    'Cancels an operation under way; a cancelled create leaves nothing behind.', ['operation_not_found'],
  ),
  'localClusters.deletePlan': method(
    clusterRef,
    z.object({ removes: z.array(z.string()) }),
    'What deleting a cluster removes (containers or processes, data, kubeconfig entries), to show before asking.', clusterErrors,
  ),
  'localClusters.delete': method(clusterRef, operationResult, "Deletes a cluster and its kubeconfig entries, restoring entries of your kubeconfig that a merge replaced.", clusterErrors),
  'localClusters.start': method(clusterRef, operationResult, 'Starts a stopped Docker-free cluster again; its data was kept.', clusterErrors),
  'localClusters.stop': method(clusterRef, operationResult, 'Stops a Docker-free cluster, keeping its data.', clusterErrors),
  'localClusters.loadImage': method(
    z
      .object({
        name: z.string().min(1).max(200),
        /** An image in the local engine (kind load docker-image). */
        image: z.string().min(1).max(300).optional(),
        /** An image tarball (kind load image-archive). */
        archive: z.string().min(1).max(4096).optional(),
      })
      .strict(),
    operationResult,
    "Loads an image into a kind cluster's nodes, from the engine or a tar archive.", [...clusterErrors, 'invalid_cluster_spec', 'kind_failed', 'engine_not_found', 'engine_not_running'],
  ),
  'localClusters.exportLogs': method(clusterRef, z.object({ dir: z.string() }), "Writes the cluster's logs to a new folder (kind export logs; the Docker-free cluster's component logs) and returns it.", [...clusterErrors, 'kind_failed', 'engine_not_found', 'engine_not_running']),
  'localClusters.logs': method(
    z.object({ name: z.string().min(1).max(200), component: z.enum(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']), tail: z.number().int().min(1).max(5000).optional() }).strict(),
    z.object({ lines: z.array(z.string()) }),
    "The last lines a Docker-free cluster's component printed.", clusterErrors,
  ),
  'localClusters.mergeKubeconfig': method(
    clusterRef,
    z.object({ file: z.string(), backup: z.string().nullable(), context: z.string() }),
    "Copies a cluster's context into your kubeconfig (a backup first, current-context unchanged); deleting the cluster restores what was there.", [...clusterErrors, 'cluster_not_running', 'kubeconfig_write_failed'],
  ),
  'localClusters.sandbox': method(
    z
      .object({
        provider: localClusterProviderSchema,
        name: z.string().min(1).max(200),
        /** For kind: the node image. */
        nodeImage: z.string().max(300).optional(),
      })
      .strict(),
    operationResult,
    'One-click mesh sandbox: create (or reuse) the cluster, install the Istio CRDs, deploy the demo mesh, serve it from the control plane. Each step is shown; running it again resumes or does nothing.', [...startErrors, 'cluster_exists', 'port_in_use', 'cluster_not_running'],
  ),
}

export const localClusterEvents = {
  'localClusters.changed': event(z.object({ clusters: z.array(localClusterSchema) }), 'The local clusters changed (engine events, a process exited, a create or delete finished).'),
  'localClusters.operation': event(localClusterOperationSchema, 'An operation moved: a step started or ended, a line was printed, it finished, failed or was cancelled.'),
}
