import { asBoolean, asObject, asObjects, asText, type JsonObject } from '../json'
import { defineKind } from '../kind'
import { readConditions, readObjectMeta, type Condition, type ObjectMeta } from '../meta'

/** Quantities as the API writes them ("4", "16Gi", "110"). */
export interface NodeResources {
  cpu?: string
  memory?: string
  pods?: string
}

/** core/v1 Node: what Meshdeck reads of it. */
export interface Node {
  metadata: ObjectMeta
  spec: { unschedulable?: boolean }
  status: {
    conditions: Condition[]
    addresses: { type?: string; address?: string }[]
    nodeInfo: { kubeletVersion?: string }
    capacity: NodeResources
    allocatable: NodeResources
  }
}

/** Labels `node-role.kubernetes.io/<role>` name a node's roles. */
export const nodeRolePrefix = 'node-role.kubernetes.io/'

const resources = (r: JsonObject): NodeResources => ({ cpu: asText(r.cpu), memory: asText(r.memory), pods: asText(r.pods) })

export const Node = defineKind({ kind: 'Node', group: '', versions: ['v1'], plural: 'nodes', namespaced: false }, (o): Node => {
  const status = asObject(o.status)
  return {
    metadata: readObjectMeta(o.metadata),
    spec: { unschedulable: asBoolean(asObject(o.spec).unschedulable) },
    status: {
      conditions: readConditions(status.conditions),
      addresses: asObjects(status.addresses).map((a) => ({ type: asText(a.type), address: asText(a.address) })),
      nodeInfo: { kubeletVersion: asText(asObject(status.nodeInfo).kubeletVersion) },
      capacity: resources(asObject(status.capacity)),
      allocatable: resources(asObject(status.allocatable)),
    },
  }
})
