import type { LocalClusterProvider, SpecProblem } from '@shared/contract'

/** kind's own rule (pkg/internal/apis/config/validate.go, validNameRE); kind refuses anything else. */
export const kindNamePattern = /^[a-z0-9.-]+$/
/**
 * kind warns past 50 characters (create.go, clusterNameMax): node hostnames such as
 * `<name>-control-plane` then pass the 63-character limit and nodes fail to come up. Meshdeck
 * refuses instead of letting a create fail minutes later.
 */
export const kindNameMax = 50
/** A Docker-free cluster's name is a folder and part of a context name: a DNS label, kept short. */
export const processesNamePattern = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
export const processesNameMax = 40

export function clusterNameProblem(provider: LocalClusterProvider, name: string, field = 'name'): SpecProblem | null {
  if (name === '') return { field, message: 'A cluster needs a name, e.g. dev.' }
  if (provider === 'kind') {
    if (!kindNamePattern.test(name)) {
      return { field, message: `kind refuses "${name}": cluster names may hold only lowercase letters, digits, "." and "-" (kind's ${kindNamePattern.source}).` }
    }
    if (name.length > kindNameMax) return { field, message: `"${name}" is ${name.length} characters; kind's node names pass the 63-character hostname limit beyond ${kindNameMax}.` }
    return null
  }
  if (name.length > processesNameMax || !processesNamePattern.test(name)) {
    return { field, message: `"${name}" is not a DNS label of at most ${processesNameMax} characters (lowercase letters, digits and "-", starting and ending with a letter or digit).` }
  }
  return null
}

/** The kubeconfig context a cluster gets: kind's own naming (`kind-<name>`), and ours for the Docker-free one. */
export function contextNameFor(provider: LocalClusterProvider, name: string): string {
  return provider === 'kind' ? `kind-${name}` : `meshdeck-${name}`
}
