/**
 * Local clusters: kind through its own CLI and the container engine's API, and a Docker-free
 * cluster (etcd + kube-apiserver + controller-manager + scheduler as processes on loopback), with a
 * one-click mesh sandbox on top.
 *
 * Pure logic sits at this folder's top level (kind configs, kind's output and errors, engine
 * containers, preflight verdicts, kubeconfig decisions, operations); I/O lives in io/ (./io is its entry).
 */
export { contextNameFor } from './names'
