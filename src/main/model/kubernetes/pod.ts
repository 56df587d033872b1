import { asBoolean, asNumber, asObject, asObjects, asText, isJsonObject, type JsonObject } from '../json'
import { defineKind } from '../kind'
import { readObjectMeta, type ObjectMeta } from '../meta'

export interface Container {
  name?: string
  image?: string
}

/** A container's state: the one key present says which (a status carries exactly one). */
export interface ContainerState {
  running?: { startedAt?: string }
  waiting?: { reason?: string; message?: string }
  terminated?: { reason?: string; exitCode?: number }
}

export interface ContainerStatus {
  name?: string
  ready?: boolean
  restartCount?: number
  state: ContainerState
}

/** core/v1 Pod: what Meshdeck reads of it. */
export interface Pod {
  metadata: ObjectMeta
  spec: {
    nodeName?: string
    /** The API sets `default` when the manifest names none. */
    serviceAccountName?: string
    containers: Container[]
    initContainers: Container[]
  }
  status: {
    /** Pending, Running, Succeeded, Failed or Unknown. */
    phase?: string
    /** e.g. Evicted, NodeLost: beats everything else in kubectl's STATUS column. */
    reason?: string
    podIP?: string
    containerStatuses: ContainerStatus[]
    initContainerStatuses: ContainerStatus[]
  }
}

const container = (c: JsonObject): Container => ({ name: asText(c.name), image: asText(c.image) })

function containerStatus(c: JsonObject): ContainerStatus {
  const state = asObject(c.state)
  const running = asObject(state.running)
  const waiting = asObject(state.waiting)
  const terminated = asObject(state.terminated)
  return {
    name: asText(c.name),
    ready: asBoolean(c.ready),
    restartCount: asNumber(c.restartCount),
    state: {
      running: isJsonObject(state.running) ? { startedAt: asText(running.startedAt) } : undefined,
      waiting: isJsonObject(state.waiting) ? { reason: asText(waiting.reason), message: asText(waiting.message) } : undefined,
      terminated: isJsonObject(state.terminated) ? { reason: asText(terminated.reason), exitCode: asNumber(terminated.exitCode) } : undefined,
    },
  }
}

export const Pod = defineKind({ kind: 'Pod', group: '', versions: ['v1'], plural: 'pods', namespaced: true }, (o): Pod => {
  const spec = asObject(o.spec)
  const status = asObject(o.status)
  return {
    metadata: readObjectMeta(o.metadata),
    spec: {
      nodeName: asText(spec.nodeName),
      serviceAccountName: asText(spec.serviceAccountName),
      containers: asObjects(spec.containers).map(container),
      initContainers: asObjects(spec.initContainers).map(container),
    },
    status: {
      phase: asText(status.phase),
      reason: asText(status.reason),
      podIP: asText(status.podIP),
      containerStatuses: asObjects(status.containerStatuses).map(containerStatus),
      initContainerStatuses: asObjects(status.initContainerStatuses).map(containerStatus),
    },
  }
})
