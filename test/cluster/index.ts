/** Real Kubernetes control planes for tests, scripts and benchmarks (no mock API server). */
export { TestCluster, defaultAssetsDir, type TestClusterOptions, type TestClusterState } from './test-cluster'
export { kubeconfigYaml, type KubeconfigUser } from './kubeconfig-writer'
export { issueClientCert, randomToken } from './certs'
export { adminKubeConfig, createNodes, nodeObject, runningStatus, FakeKubelet } from './kube-objects'
export { freePort } from './ports'
export { startKubeletLogServer, type KubeletLogServer } from './kubelet-log-server'
export { installIstioCrds, istioCrds } from './istio-crds'
