import { describe, expect, it } from 'vitest'
import { KubeconfigParseError, kubeconfigPaths, mergeKubeconfigs, parseKubeconfig } from '../../src/main/cluster/kubeconfig-merge'

const fileA = `
apiVersion: v1
kind: Config
current-context: dev
contexts:
- name: dev
  context: { cluster: dev-cluster, user: alice, namespace: shop }
- name: shared
  context: { cluster: a-cluster, user: alice }
clusters:
- name: dev-cluster
  cluster: { server: https://127.0.0.1:6443 }
users:
- name: alice
  user: { token: secret-a }
`
const fileB = `
current-context: prod
contexts:
- name: shared
  context: { cluster: b-cluster, user: bob }
- name: prod
  context: { cluster: prod-cluster, user: bob }
clusters:
- name: prod-cluster
  cluster: { server: https://10.0.0.1:6443 }
`

describe('kubeconfig merging (kubectl rules)', () => {
  const merged = mergeKubeconfigs([parseKubeconfig('/a', fileA), parseKubeconfig('/b', fileB)])

  it('takes current-context from the first file that sets one', () => {
    expect(merged.currentContext).toBe('dev')
  })

  it('keeps the first definition of a name and adds the rest', () => {
    expect([...merged.contexts.keys()]).toEqual(['dev', 'shared', 'prod'])
    expect(merged.contexts.get('shared')?.value.cluster).toBe('a-cluster')
    expect(merged.contexts.get('prod')?.file).toBe('/b')
  })

  it('splits KUBECONFIG on the platform delimiter, skipping empties and repeats', () => {
    expect(kubeconfigPaths('/a::/b:/a', '/home/u', ':')).toEqual(['/a', '/b'])
    expect(kubeconfigPaths(undefined, '/home/u', ':')).toEqual(['/home/u/.kube/config'])
  })

  it('names the file and the line of broken YAML', () => {
    let caught: unknown
    try {
      parseKubeconfig('/broken', 'contexts:\n  - name: x\n    context: [unclosed\n')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(KubeconfigParseError)
    expect((caught as Error).message).toMatch(/\/broken is not valid YAML/)
    expect((caught as Error).message).toMatch(/line \d+/)
  })
})
