import { KubeRequestError, type KubeClient } from '../../../cluster/io'
import { readGroupVersions, readResourceNames } from '../../../model'

/** A resource the server serves, at the version Meshdeck picked. */
export interface ServedResource {
  group: string
  version: string
  plural: string
  /** Collection path across all namespaces, e.g. /apis/networking.istio.io/v1/virtualservices. */
  path: string
}

/**
 * Asks the API server which version of a resource it serves, trying `preferred` in order (newest
 * first). Answers from one discovery read per group version, cached for the life of this object.
 */
export class ApiDiscovery {
  private readonly groups = new Map<string, Promise<string[] | null>>()
  private readonly groupVersions = new Map<string, Promise<string[]>>()

  constructor(private readonly client: KubeClient) {}

  /** The versions a group serves; null when the group is not served at all (e.g. no Istio CRDs). */
  groupServed(group: string): Promise<string[] | null> {
    let answer = this.groups.get(group)
    if (!answer) {
      answer = this.client
        .json<unknown>('GET', `/apis/${group}`)
        .then(readGroupVersions)
        .catch((err: unknown) => {
          if (err instanceof KubeRequestError && err.status === 404) return null
          throw err
        })
      this.groups.set(group, answer)
    }
    return answer
  }

  private resources(group: string, version: string): Promise<string[]> {
    const key = `${group}/${version}`
    let answer = this.groupVersions.get(key)
    if (!answer) {
      const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`
      answer = this.client.json<unknown>('GET', path).then(readResourceNames)
      this.groupVersions.set(key, answer)
    }
    return answer
  }

  async resolve(group: string, plural: string, preferred: readonly string[]): Promise<ServedResource | null> {
    const served = group === '' ? ['v1'] : await this.groupServed(group)
    if (!served) return null
    for (const version of preferred) {
      if (!served.includes(version)) continue
      if (!(await this.resources(group, version)).includes(plural)) continue
      const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`
      return { group, version, plural, path: `${prefix}/${plural}` }
    }
    return null
  }
}
