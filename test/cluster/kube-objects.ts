import { CoreV1Api, KubeConfig, Watch, type V1Node, type V1Pod } from '@kubernetes/client-node'
import type { TestCluster } from './test-cluster'

/** An admin client (client-certificate user) for the test cluster. */
export function adminKubeConfig(cluster: Pick<TestCluster, 'kubeconfigPath'>, context = 'admin'): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromFile(cluster.kubeconfigPath)
  kc.setCurrentContext(context)
  return kc
}

export function nodeObject(name: string, opts: { role?: string; cpu?: string; memory?: string; pods?: string; kubeletPort?: number } = {}): V1Node {
  const capacity = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' }
  const now = new Date()
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        ...(opts.role ? { [`node-role.kubernetes.io/${opts.role}`]: '' } : {}),
      },
    },
    status: {
      capacity,
      allocatable: capacity,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'fake kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }],
      nodeInfo: {
        kubeletVersion: 'v1.20.2',
        kubeProxyVersion: 'v1.20.2',
        architecture: 'amd64',
        operatingSystem: 'linux',
        osImage: 'Meshdeck test node',
        kernelVersion: '0',
        containerRuntimeVersion: 'fake://0',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      // Where kube-apiserver proxies pods/log to (startKubeletLogServer), when a test wants logs.
      ...(opts.kubeletPort ? { daemonEndpoints: { kubeletEndpoint: { Port: opts.kubeletPort } } } : {}),
    },
  }
}

/** Creates Node objects (Ready, with capacity) the way a kubelet would register them. */
export async function createNodes(kc: KubeConfig, names: string[], opts: Parameters<typeof nodeObject>[1] = {}): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api)
  for (const name of names) {
    const body = nodeObject(name, opts)
    const created = await core.createNode({ body })
    // Create may drop status on some versions; the status subresource is what a kubelet writes.
    created.status = body.status
    await core.replaceNodeStatus({ name, body: created })
  }
}

/** What a running container of this pod looks like once "started". */
export function runningStatus(pod: V1Pod, ip: string): V1Pod['status'] {
  const now = new Date()
  const containers = pod.spec?.containers ?? []
  return {
    ...pod.status,
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: '127.0.0.1',
    startTime: pod.status?.startTime ?? now,
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `fake://${c.image ?? ''}`,
      containerID: `fake://${pod.metadata?.uid ?? ''}-${c.name}`,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  }
}

/**
 * Plays the kubelet for every node (there is no real kubelet in this environment, as with kwok):
 * a scheduled pod is reported Running and Ready through the status subresource, and a pod being
 * deleted is finalised (a kubelet confirms deletion with grace period 0 once containers stop).
 */
export class FakeKubelet {
  private abort: AbortController | undefined
  private stopped = false
  private ipCounter = 1
  private readonly core: CoreV1Api

  constructor(private readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api)
  }

  async start(): Promise<void> {
    const list = await this.core.listPodForAllNamespaces()
    for (const pod of list.items) void this.reconcile(pod)
    await this.watch(list.metadata?.resourceVersion)
  }

  private async watch(resourceVersion: string | undefined): Promise<void> {
    if (this.stopped) return
    this.abort = await new Watch(this.kc).watch(
      '/api/v1/pods',
      resourceVersion ? { resourceVersion, allowWatchBookmarks: false } : {},
      (_type, obj: V1Pod) => void this.reconcile(obj),
      () => {
        // The watch ended (timeout, apiserver restart): start over with a fresh list after a pause.
        if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 500)
      },
    ).catch(() => {
      if (!this.stopped) setTimeout(() => void this.start().catch(() => undefined), 500)
      return undefined
    })
  }

  private async reconcile(pod: V1Pod): Promise<void> {
    const name = pod.metadata?.name
    const namespace = pod.metadata?.namespace
    if (this.stopped || !name || !namespace || !pod.spec?.nodeName) return
    try {
      if (pod.metadata?.deletionTimestamp) {
        await this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 })
        return
      }
      if (pod.status?.phase === 'Running' || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return
      const n = this.ipCounter++
      pod.status = runningStatus(pod, `10.244.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`)
      await this.core.replaceNamespacedPodStatus({ name, namespace, body: pod })
    } catch {
      // Conflicts and races with deletion are normal; the next watch event for the pod retries.
    }
  }

  stop(): void {
    this.stopped = true
    this.abort?.abort()
  }
}
