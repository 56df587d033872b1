import type { Preflight, PreflightCheck } from '@shared/contract'
import { isKindTooOld, minimumKindVersion, parseKindVersion } from './kind-version'

export type EngineName = 'docker' | 'podman' | 'nerdctl'

/** The part of the Engine API's SystemInfo (GET /info) read here. */
export interface EngineInfo {
  ServerVersion?: string
  OperatingSystem?: string
  MemTotal?: number
  NCPU?: number
  CgroupVersion?: string
  CgroupDriver?: string
  SecurityOptions?: string[]
}

/** What the I/O side found out; everything here is data, so the verdicts are unit-tested. */
export interface KindFacts {
  kind: { path: string | null; configuredPath: string | null; versionOutput: string | null; runError: string | null }
  engine: {
    name: EngineName
    chosenBy: 'setting' | 'KIND_EXPERIMENTAL_PROVIDER' | 'detected'
    /** The Engine API socket found, or null. */
    socket: string | null
    searched: string[]
    /** GET /_ping; null when not tried (nerdctl has no Engine API, or no socket). */
    ping: { ok: true; apiVersion: string | null } | { ok: false; error: string } | null
    info: EngineInfo | null
  }
  host: { platform: string; inotifyWatches: number | null; inotifyInstances: number | null }
}

const gib = 1024 ** 3
/** kind's known issues: Ubuntu's 8192 / 128 defaults are too low; it recommends these. */
export const recommendedInotify = { watches: 524288, instances: 512 } as const

export function kindPreflight(facts: KindFacts): Preflight {
  const checks: PreflightCheck[] = []
  const { kind, engine, host } = facts
  const version = kind.versionOutput ? parseKindVersion(kind.versionOutput) : null
  if (!kind.path) {
    checks.push({
      id: 'kind',
      title: 'kind',
      status: 'fail',
      detail: kind.configuredPath ? `No kind binary at ${kind.configuredPath} (the configured path).` : 'kind is not on PATH.',
      fix: 'Install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. `go install sigs.k8s.io/kind@latest` or your package manager), or set its path in Settings.',
    })
  } else if (!version) {
    checks.push({ id: 'kind', title: 'kind', status: 'fail', detail: `${kind.path} did not answer \`kind version\`: ${kind.runError ?? kind.versionOutput ?? 'no output'}.`, fix: 'Check that the file is the kind binary and is executable.' })
  } else if (isKindTooOld(version)) {
    checks.push({
      id: 'kind',
      title: 'kind',
      status: 'fail',
      detail: `kind ${version.text} at ${kind.path} is older than ${minimumKindVersion.text}.`,
      fix: `Upgrade kind to ${minimumKindVersion.text} or newer.`,
    })
  } else checks.push({ id: 'kind', title: 'kind', status: 'ok', detail: `kind ${version.text} at ${kind.path}.` })

  const chosen =
    engine.chosenBy === 'detected'
      ? `${engine.name} (detected; kind tries docker, then nerdctl, then podman)`
      : engine.chosenBy === 'setting'
        ? `${engine.name} (Settings; passed to kind as KIND_EXPERIMENTAL_PROVIDER)`
        : `${engine.name} (KIND_EXPERIMENTAL_PROVIDER)`
  checks.push({ id: 'provider', title: 'Engine kind uses', status: 'ok', detail: chosen })

  if (engine.name === 'nerdctl') {
    checks.push({ id: 'engine', title: 'Container engine', status: 'skipped', detail: 'nerdctl has no Engine API socket: Meshdeck lists its clusters through `kind get clusters` and cannot check memory or cgroups.' })
  } else if (!engine.socket) {
    checks.push({
      id: 'engine',
      title: 'Container engine',
      status: 'fail',
      detail: `No ${engine.chosenBy === 'detected' ? 'Docker or Podman' : engine.name} socket found (looked at ${engine.searched.join(', ') || 'nothing'}).`,
      fix: engine.name === 'podman' ? 'Install Podman and start its API socket (`systemctl --user start podman.socket`, or `podman machine start`).' : 'Install Docker (Docker Engine or Docker Desktop), or set DOCKER_HOST to its socket.',
    })
  } else if (engine.ping && !engine.ping.ok) {
    checks.push({
      id: 'engine',
      title: 'Container engine',
      status: 'fail',
      detail: `${engine.name} at ${engine.socket} is not running (GET /_ping: ${engine.ping.error}).`,
      fix: engine.name === 'podman' ? 'Start it: `podman machine start` or `systemctl --user start podman.socket`.' : 'Start it: open Docker Desktop, or `sudo systemctl start docker`.',
    })
  } else {
    const info = engine.info
    checks.push({
      id: 'engine',
      title: 'Container engine',
      status: 'ok',
      detail: `${engine.name} ${info?.ServerVersion ?? ''} at ${engine.socket}${info?.OperatingSystem ? ` (${info.OperatingSystem})` : ''}.`.replace('  ', ' '),
    })
    const rootless = (info?.SecurityOptions ?? []).some((o) => o.split(',').includes('name=rootless'))
    if (rootless) {
      checks.push(
        info?.CgroupVersion === '2'
          ? { id: 'rootless', title: 'Rootless engine', status: 'ok', detail: 'Rootless, with cgroup v2.' }
          : {
              id: 'rootless',
              title: 'Rootless engine',
              status: 'fail',
              detail: `The engine runs rootless on cgroup v${info?.CgroupVersion ?? '1'}; kind refuses that ("running kind with rootless provider requires cgroup v2").`,
              fix: 'Boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1) and delegate controllers (Delegate=yes); see https://kind.sigs.k8s.io/docs/user/rootless/.',
            },
      )
    }
    if (typeof info?.MemTotal === 'number') {
      const total = info.MemTotal / gib
      const detail = `${total.toFixed(1)} GiB available to the engine.`
      if (total < 2) checks.push({ id: 'memory', title: 'Memory', status: 'fail', detail, fix: 'Give the engine at least 4 GiB (Docker Desktop → Settings → Resources, or `podman machine set --memory 4096`).' })
      else if (total < 4) checks.push({ id: 'memory', title: 'Memory', status: 'warn', detail: `${detail} A control plane with a demo mesh fits, more nodes may not.`, fix: 'Give the engine 4 GiB or more for multi-node clusters.' })
      else checks.push({ id: 'memory', title: 'Memory', status: 'ok', detail })
    }
  }

  // Containers share the host kernel's inotify limits (not namespaced); on Docker Desktop the VM's apply instead.
  const desktopVm = /Docker Desktop|podman machine|boot2docker/i.test(engine.info?.OperatingSystem ?? '')
  if (host.platform !== 'linux' || desktopVm) {
    checks.push({ id: 'inotify', title: 'inotify limits', status: 'skipped', detail: 'The engine runs in a VM here; its own limits apply.' })
  } else if (host.inotifyWatches !== null && host.inotifyInstances !== null) {
    const low = host.inotifyWatches < recommendedInotify.watches || host.inotifyInstances < recommendedInotify.instances
    checks.push({
      id: 'inotify',
      title: 'inotify limits',
      status: low ? 'warn' : 'ok',
      detail: `fs.inotify.max_user_watches=${host.inotifyWatches}, max_user_instances=${host.inotifyInstances}.${low ? ' Pods may fail with "too many open files", especially with several nodes.' : ''}`,
      ...(low ? { fix: `sudo sysctl fs.inotify.max_user_watches=${recommendedInotify.watches} fs.inotify.max_user_instances=${recommendedInotify.instances} (and in /etc/sysctl.conf to keep it).` } : {}),
    })
  }
  return {
    provider: 'kind',
    ready: checks.every((c) => c.status !== 'fail'),
    checks,
    kind: kind.path && version ? { path: kind.path, version: version.text } : null,
    engine: { name: engine.name, socket: engine.socket, version: engine.info?.ServerVersion ?? null },
    binariesDir: null,
  }
}

export interface ProcessesFacts {
  /** The folder chosen, or null when none holds every binary. */
  binariesDir: string | null
  /** Where Meshdeck looked, in order, and what each place is. */
  searched: { dir: string; source: string; missing: string[] }[]
  /** `kube-apiserver --version` output. */
  versionOutput: string | null
}

export function processesPreflight(facts: ProcessesFacts): Preflight {
  const checks: PreflightCheck[] = []
  if (!facts.binariesDir) {
    const looked = facts.searched.map((s) => `${s.dir} (${s.source}${s.missing.length ? `: no ${s.missing.join(', ')}` : ''})`).join('; ')
    checks.push({
      id: 'binaries',
      title: 'Control-plane binaries',
      status: 'fail',
      detail: `No folder with etcd, kube-apiserver, kube-controller-manager and kube-scheduler. Looked at: ${looked || 'nowhere'}.`,
      fix: 'Point KUBEBUILDER_ASSETS or Settings at a folder that has them: `setup-envtest use` downloads them (controller-runtime envtest), or run scripts/build-test-apiserver.sh in a Meshdeck checkout.',
    })
  } else {
    const source = facts.searched.find((s) => s.dir === facts.binariesDir)?.source ?? 'configured'
    checks.push({ id: 'binaries', title: 'Control-plane binaries', status: 'ok', detail: `${facts.binariesDir} (${source}).` })
    const version = /Kubernetes (v\d+\.\d+\.\d+\S*)/.exec(facts.versionOutput ?? '')?.[1]
    checks.push(
      version
        ? { id: 'version', title: 'Kubernetes version', status: 'ok', detail: version }
        : { id: 'version', title: 'Kubernetes version', status: 'fail', detail: `kube-apiserver --version answered: ${facts.versionOutput ?? 'nothing'}.`, fix: 'Check that the binaries are built for this machine and executable.' },
    )
  }
  checks.push({
    id: 'kubelet',
    title: 'No kubelet',
    status: 'warn',
    detail: 'This cluster runs no kubelet and no container engine: pods are stored but never run. It is for mesh config, CRDs, canary on VirtualServices, and Services whose EndpointSlices point at processes on this machine.',
  })
  return { provider: 'processes', ready: checks.every((c) => c.status !== 'fail'), checks, kind: null, engine: null, binariesDir: facts.binariesDir }
}
