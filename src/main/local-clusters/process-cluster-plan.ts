/**
 * The command lines of a Docker-free cluster: etcd, kube-apiserver, kube-controller-manager and
 * kube-scheduler on loopback, from paths and ports the I/O side chose. Pure.
 */
export const requiredComponents = ['etcd', 'kube-apiserver'] as const
/** envtest's folders ship only etcd and kube-apiserver: without these two the cluster still serves its API. */
export const optionalComponents = ['kube-controller-manager', 'kube-scheduler'] as const
export const componentNames = [...requiredComponents, ...optionalComponents] as const
export type ComponentName = (typeof componentNames)[number]

export interface ProcessClusterPorts {
  etcdClient: number
  etcdPeer: number
  apiserver: number
}

export interface ProcessClusterLayout {
  etcdDataDir: string
  /** The apiserver's --cert-dir (it writes nothing there when given its certificate). */
  pkiDir: string
  caCert: string
  caKey: string
  servingCert: string
  servingKey: string
  serviceAccountKey: string
  serviceAccountPub: string
  /** The admin kubeconfig the controller-manager and scheduler use. */
  controllersKubeconfig: string
  ports: ProcessClusterPorts
  /** The binaries' Kubernetes minor version: flags removed in 1.24 are passed only before it. */
  kubernetesMinor: number
}

export interface ComponentCommand {
  name: ComponentName
  args: string[]
}

export const serviceClusterIpRange = '10.96.0.0/16'

export function componentCommands(layout: ProcessClusterLayout, available: ReadonlySet<ComponentName>): ComponentCommand[] {
  const { ports } = layout
  const etcdUrl = `http://127.0.0.1:${ports.etcdClient}`
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`
  // Before 1.24 these open plain-HTTP ports (8080, 10251, 10252) unless turned off; from 1.24 the flags are gone.
  const beforeInsecureRemoval = layout.kubernetesMinor < 24
  const noInsecurePort = beforeInsecureRemoval ? ['--insecure-port=0'] : []
  const noPlainPort = beforeInsecureRemoval ? ['--port=0'] : []
  const commands: ComponentCommand[] = [
    {
      name: 'etcd',
      args: [
        `--data-dir=${layout.etcdDataDir}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--name=default',
      ],
    },
    {
      name: 'kube-apiserver',
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        ...noInsecurePort,
        `--cert-dir=${layout.pkiDir}`,
        `--tls-cert-file=${layout.servingCert}`,
        `--tls-private-key-file=${layout.servingKey}`,
        `--client-ca-file=${layout.caCert}`,
        '--authorization-mode=Node,RBAC',
        `--service-cluster-ip-range=${serviceClusterIpRange}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${layout.serviceAccountPub}`,
        `--service-account-signing-key-file=${layout.serviceAccountKey}`,
        // No kubelet mints tokens, so pods must not require a mounted service-account token; and
        // nothing would ever lift the not-ready taint that admission puts on a new node.
        '--disable-admission-plugins=ServiceAccount,TaintNodesByCondition',
        '--allow-privileged=true',
      ],
    },
    {
      name: 'kube-controller-manager',
      args: [
        `--kubeconfig=${layout.controllersKubeconfig}`,
        '--leader-elect=false',
        ...noPlainPort,
        '--secure-port=0',
        `--service-account-private-key-file=${layout.serviceAccountKey}`,
        `--root-ca-file=${layout.caCert}`,
        `--cluster-signing-cert-file=${layout.caCert}`,
        `--cluster-signing-key-file=${layout.caKey}`,
        // Without kubelets every node would turn NotReady and be tainted; tokens need the admission we disabled.
        '--controllers=*,-nodelifecycle,-serviceaccount-token,-tokencleaner,-bootstrapsigner',
      ],
    },
    { name: 'kube-scheduler', args: [`--kubeconfig=${layout.controllersKubeconfig}`, '--leader-elect=false', ...noPlainPort, '--secure-port=0'] },
  ]
  return commands.filter((c) => available.has(c.name))
}
