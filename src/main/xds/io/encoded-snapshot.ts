import { createHash } from 'node:crypto'
import { encodeResource } from './protos'
import { resourceTypes, typeUrls, type ResourceType, type XdsResource, type XdsResources } from '../resource-types'

/** One resource, encoded once for every client that receives it. */
export interface EncodedResource {
  readonly name: string
  /** The Any sent on the wire. */
  readonly any: { type_url: string; value: Uint8Array }
  /** Content hash: a client is sent a resource again only when this changes. */
  readonly hash: string
  /** Exactly what was encoded, for the config dump. */
  readonly json: XdsResource
}

/** Every resource of one version, encoded. The ADS server knows only this, nothing of Istio. */
export interface EncodedSnapshot {
  readonly version: string
  readonly resources: Record<ResourceType, ReadonlyMap<string, EncodedResource>>
}

/**
 * Encodes translated resources, reusing the previous encoding of any resource whose content did not
 * change, so a push costs one encode per changed resource, not one per resource per client.
 */
export class SnapshotEncoder {
  private previous = new Map<string, { text: string; encoded: EncodedResource }>()
  /** How many resources the last encode() actually serialised (for tests and the bench). */
  lastEncodedCount = 0

  encode(version: string, resources: XdsResources): EncodedSnapshot {
    const next = new Map<string, { text: string; encoded: EncodedResource }>()
    const out = {} as Record<ResourceType, Map<string, EncodedResource>>
    let encodedCount = 0
    for (const type of resourceTypes) {
      const byName = new Map<string, EncodedResource>()
      for (const [name, json] of resources[type]) {
        const key = `${type}/${name}`
        const text = JSON.stringify(json)
        let entry = this.previous.get(key)
        if (!entry || entry.text !== text) {
          const value = encodeResource(typeUrls[type], json)
          encodedCount += 1
          entry = {
            text,
            encoded: Object.freeze({
              name,
              any: { type_url: typeUrls[type], value },
              hash: createHash('sha256').update(value).digest('hex').slice(0, 16),
              json,
            }),
          }
        }
        next.set(key, entry)
        byName.set(name, entry.encoded)
      }
      out[type] = byName
    }
    this.previous = next
    this.lastEncodedCount = encodedCount
    return Object.freeze({ version, resources: out })
  }
}

export const emptyEncodedSnapshot: EncodedSnapshot = Object.freeze({
  version: '0',
  resources: { LDS: new Map(), RDS: new Map(), CDS: new Map(), EDS: new Map() },
})
