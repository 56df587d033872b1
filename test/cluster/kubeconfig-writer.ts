import { stringify } from 'yaml'

export interface KubeconfigUser {
  name: string
  token?: string
  clientCertificate?: string
  clientKey?: string
  /** An exec credential plugin, as kubectl runs it. */
  exec?: { command: string; args?: string[]; apiVersion?: string }
}

/** A kubeconfig text with one cluster and one context per user (context name = user name); caFile '' = trust system CAs. */
export function kubeconfigYaml(input: { clusterName: string; server: string; caFile: string; users: KubeconfigUser[]; namespace?: string }): string {
  const first = input.users[0]
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': first?.name ?? '',
    clusters: [{ name: input.clusterName, cluster: { server: input.server, ...(input.caFile ? { 'certificate-authority': input.caFile } : {}) } }],
    contexts: input.users.map((u) => ({
      name: u.name,
      context: { cluster: input.clusterName, user: u.name, ...(input.namespace ? { namespace: input.namespace } : {}) },
    })),
    users: input.users.map((u) => ({
      name: u.name,
      user: {
        ...(u.token ? { token: u.token } : {}),
        ...(u.clientCertificate ? { 'client-certificate': u.clientCertificate, 'client-key': u.clientKey } : {}),
        ...(u.exec ? { exec: { apiVersion: u.exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1', command: u.exec.command, args: u.exec.args ?? [] } } : {}),
      },
    })),
  })
}
