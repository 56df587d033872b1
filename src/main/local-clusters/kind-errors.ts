import { LocalClusterErrorCode, MeshdeckError } from '@shared/contract'

/**
 * kind's failure output (the `ERROR:` line and the `Command Output:` that follows) → one clear
 * message and the fix. The texts matched are kind's own (create.go, validate.go, load/*) and the
 * engines' (Docker's "Cannot connect to the Docker daemon", "port is already allocated"). Pure.
 */
export function kindFailure(output: string, context: { name: string; action: string }): MeshdeckError {
  const text = output.replace(/\s+/g, ' ')
  const first = /ERROR:\s*(.*?)(?: Command Output:|$)/.exec(text)?.[1]?.trim() ?? lastLine(output)
  const { name, action } = context
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|docker\.sock: connect: (no such file|connection refused)|Cannot connect to Podman|podman\.sock.*(no such file|connection refused)|unable to connect to Podman/i.test(text)) {
    return new MeshdeckError(
      LocalClusterErrorCode.engineNotRunning,
      `kind could not reach the container engine, so it could not ${action}.`,
      'Start Docker (Docker Desktop, or `sudo systemctl start docker`) or Podman (`podman machine start`), then try again.',
    )
  }
  if (/failed to detect any supported node provider|executable file not found in \$PATH.*(docker|podman|nerdctl)/i.test(text)) {
    return new MeshdeckError(LocalClusterErrorCode.engineNotFound, 'kind found no container engine (docker, podman or nerdctl) on PATH.', 'Install Docker or Podman, or choose the engine kind should use in Local clusters → Settings.')
  }
  const exists = /node\(s\) already exist for a cluster with the name "([^"]+)"/.exec(text)
  if (exists) {
    return new MeshdeckError(LocalClusterErrorCode.clusterExists, `A kind cluster named "${exists[1]}" already exists.`, 'Pick another name, or delete that cluster first.')
  }
  const bind = /Bind for ([0-9a-fA-F.:[\]]+?):(\d+) failed: port is already allocated/.exec(text) ?? /listen tcp4? ([0-9a-fA-F.:[\]]*?):(\d+): bind: address already in use/.exec(text)
  if (bind || /port is already allocated|address already in use/.test(text)) {
    const where = bind ? `${bind[1] === '' ? '0.0.0.0' : bind[1]}:${bind[2]}` : 'a mapped host port'
    return new MeshdeckError(LocalClusterErrorCode.portInUse, `Host port ${where} is already in use, so cluster "${name}" could not start its nodes.`, 'Free the port or change the port mapping; kind removed the half-created nodes.')
  }
  if (/requires cgroup v2|Delegate=yes/.test(text)) {
    return new MeshdeckError(
      LocalClusterErrorCode.rootlessNeedsCgroupV2,
      'kind with a rootless engine needs cgroup v2 with delegation.',
      'Boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) and set Delegate=yes for user@.service; see https://kind.sigs.k8s.io/docs/user/rootless/.',
    )
  }
  if (/too many open files|inotify/i.test(text)) {
    return new MeshdeckError(
      LocalClusterErrorCode.inotifyLimits,
      'The nodes ran out of inotify watches or instances ("too many open files").',
      'Raise the limits: sudo sysctl fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512 (kind known issues).',
    )
  }
  if (/is not a valid cluster name/.test(text)) return new MeshdeckError(LocalClusterErrorCode.invalidSpec, `name: ${first}`, 'Use lowercase letters, digits, "." and "-".')
  if (/unable to decode config|unknown apiVersion|could not determine kind \/ apiVersion|field .* not found in type/.test(text)) {
    return new MeshdeckError(LocalClusterErrorCode.invalidSpec, `configYaml: kind could not read the config: ${first}`, 'Fix the config (kind.x-k8s.io/v1alpha4) and try again.')
  }
  const notPresent = /image: "([^"]+)" not present locally/.exec(text)
  if (notPresent) return new MeshdeckError(LocalClusterErrorCode.kindFailed, `The image ${notPresent[1]} is not in the local engine.`, `Pull or build it first (docker pull ${notPresent[1]}).`)
  const noNodes = /no nodes found for cluster "([^"]+)"/.exec(text)
  if (noNodes) return new MeshdeckError(LocalClusterErrorCode.clusterNotFound, `There is no kind cluster named "${noNodes[1]}".`, 'Refresh the list; it may have been deleted outside Meshdeck.')
  if (/pull access denied|manifest unknown|not found: manifest|failed to pull image/i.test(text)) {
    return new MeshdeckError(LocalClusterErrorCode.kindFailed, `kind could not pull the node image: ${first}`, 'Check the image name and tag (kindest/node:vX.Y.Z) and your network or registry login.')
  }
  return new MeshdeckError(LocalClusterErrorCode.kindFailed, `kind could not ${action}: ${first}`, "kind's output is shown with the steps; fix the cause it names and try again.")
}

function lastLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean)
  return lines[lines.length - 1] ?? 'kind exited with an error'
}
