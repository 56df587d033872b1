import { asBoolean, asNumber, asObject, asStringMap } from '../json'
import { defineKind, type Kind } from '../kind'
import { readConditions, readObjectMeta, type Condition, type ObjectMeta } from '../meta'

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet' | 'DaemonSet'

/** The status counters of all four kinds; each kind sets its own (a DaemonSet counts nodes, not replicas). */
export interface WorkloadStatus {
  observedGeneration?: number
  replicas?: number
  readyReplicas?: number
  updatedReplicas?: number
  availableReplicas?: number
  /** StatefulSet: replicas at the current revision. */
  currentReplicas?: number
  /** ReplicaSet: replicas whose labels match the template. */
  fullyLabeledReplicas?: number
  desiredNumberScheduled?: number
  numberReady?: number
  updatedNumberScheduled?: number
  numberAvailable?: number
  conditions: Condition[]
}

/** An apps/v1 workload: what Meshdeck reads of a Deployment, StatefulSet, ReplicaSet or DaemonSet. */
export interface Workload<K extends WorkloadKind = WorkloadKind> {
  kind: K
  metadata: ObjectMeta
  spec: {
    /** Absent on a DaemonSet; the API defaults it to 1 on the others. */
    replicas?: number
    paused?: boolean
    selector: { matchLabels: Record<string, string> }
    /** The pod template's labels: what Services select and what app/version come from. */
    template: { metadata: { labels: Record<string, string> } }
  }
  status: WorkloadStatus
}

export type Deployment = Workload<'Deployment'>
export type StatefulSet = Workload<'StatefulSet'>
export type ReplicaSet = Workload<'ReplicaSet'>
export type DaemonSet = Workload<'DaemonSet'>

function workloadKind<K extends WorkloadKind>(kind: K, plural: string): Kind<Workload<K>> {
  return defineKind({ kind, group: 'apps', versions: ['v1'], plural, namespaced: true }, (o) => {
    const spec = asObject(o.spec)
    const status = asObject(o.status)
    return {
      kind,
      metadata: readObjectMeta(o.metadata),
      spec: {
        replicas: asNumber(spec.replicas),
        paused: asBoolean(spec.paused),
        selector: { matchLabels: asStringMap(asObject(spec.selector).matchLabels) },
        template: { metadata: { labels: asStringMap(asObject(asObject(spec.template).metadata).labels) } },
      },
      status: {
        observedGeneration: asNumber(status.observedGeneration),
        replicas: asNumber(status.replicas),
        readyReplicas: asNumber(status.readyReplicas),
        updatedReplicas: asNumber(status.updatedReplicas),
        availableReplicas: asNumber(status.availableReplicas),
        currentReplicas: asNumber(status.currentReplicas),
        fullyLabeledReplicas: asNumber(status.fullyLabeledReplicas),
        desiredNumberScheduled: asNumber(status.desiredNumberScheduled),
        numberReady: asNumber(status.numberReady),
        updatedNumberScheduled: asNumber(status.updatedNumberScheduled),
        numberAvailable: asNumber(status.numberAvailable),
        conditions: readConditions(status.conditions),
      },
    }
  })
}

export const Deployment = workloadKind('Deployment', 'deployments')
export const StatefulSet = workloadKind('StatefulSet', 'statefulsets')
export const ReplicaSet = workloadKind('ReplicaSet', 'replicasets')
export const DaemonSet = workloadKind('DaemonSet', 'daemonsets')
