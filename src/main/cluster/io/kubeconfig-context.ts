import { dirname, isAbsolute, resolve } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { stringify } from 'yaml'
import { MeshdeckError } from '@shared/contract'
import { findOnPath } from './login-path'
import type { MergedKubeconfig } from '../kubeconfig-merge'

const pathKeys = ['certificate-authority', 'client-certificate', 'client-key', 'tokenFile']

/**
 * A client-node KubeConfig for one context of Meshdeck's merged kubeconfig. Each entry's relative
 * file paths resolve against the file it came from (as kubectl does), and exec plugins run with
 * the login shell's PATH. A plugin that is not installed fails here, by name, before any request.
 */
export function kubeConfigForContext(merged: MergedKubeconfig, contextName: string, loginPath: string): KubeConfig {
  const context = merged.contexts.get(contextName)
  if (!context) throw new MeshdeckError('unknown_context', `There is no context named "${contextName}".`, `Known contexts: ${[...merged.contexts.keys()].join(', ') || 'none'}.`)
  const clusterName = context.value.cluster ?? ''
  const userName = context.value.user ?? ''
  const cluster = merged.clusters.get(clusterName)
  if (!cluster) throw new MeshdeckError('kubeconfig_incomplete', `Context "${contextName}" names cluster "${clusterName}", which no kubeconfig file defines.`, 'Add the cluster entry or fix the context.')
  const user = merged.users.get(userName)
  const userValue = user ? absolutise(user.value, dirname(user.file)) : {}
  const exec = userValue.exec as { command?: string; env?: { name: string; value: string }[] | null } | undefined
  if (exec?.command) {
    const pathEnv = exec.env?.find((e) => e.name === 'PATH')?.value ?? loginPath
    if (findOnPath(exec.command, pathEnv, user ? dirname(user.file) : undefined) === null) {
      throw new MeshdeckError(
        'exec_plugin_missing',
        `Context "${contextName}" gets its credentials by running "${exec.command}", which is not installed or not on your PATH.`,
        `Install ${exec.command} (the cluster provider's auth plugin) or fix users[${userName}].exec.command in ${user?.file ?? 'your kubeconfig'}.`,
      )
    }
    if (!exec.env?.some((e) => e.name === 'PATH')) exec.env = [...(exec.env ?? []), { name: 'PATH', value: loginPath }]
  }
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': contextName,
    clusters: [{ name: clusterName, cluster: absolutise(cluster.value, dirname(cluster.file)) }],
    users: [{ name: userName, user: userValue }],
    contexts: [{ name: contextName, context: { cluster: clusterName, user: userName, ...(context.value.namespace ? { namespace: context.value.namespace } : {}) } }],
  }
  const kc = new KubeConfig()
  try {
    kc.loadFromString(stringify(doc))
  } catch (err) {
    throw new MeshdeckError('kubeconfig_invalid', `Context "${contextName}" cannot be used: ${err instanceof Error ? err.message : String(err)}`, `Fix the entries for cluster "${clusterName}" and user "${userName}".`)
  }
  return kc
}

function absolutise(value: Record<string, unknown>, base: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value }
  for (const key of pathKeys) {
    const v = out[key]
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) out[key] = resolve(base, v)
  }
  if (out.exec && typeof out.exec === 'object') out.exec = { ...(out.exec as Record<string, unknown>) }
  return out
}
