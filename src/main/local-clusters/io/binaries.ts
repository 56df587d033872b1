import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { ProcessesFacts } from '../preflight-checks'
import { componentNames, requiredComponents, type ComponentName } from '../process-cluster-plan'

export interface BinariesCandidate {
  dir: string
  source: string
}

/**
 * Where a Docker-free cluster's binaries may be, in order: the configured folder, KUBEBUILDER_ASSETS
 * (the envtest convention), setup-envtest's own store (newest version first), and the folder
 * Meshdeck's scripts/build-test-apiserver.sh fills.
 */
export function binaryCandidates(configured: string | null, env: NodeJS.ProcessEnv = process.env, platform = process.platform): BinariesCandidate[] {
  const home = homedir()
  const out: BinariesCandidate[] = []
  if (configured) out.push({ dir: configured, source: 'Settings' })
  if (env.KUBEBUILDER_ASSETS) out.push({ dir: env.KUBEBUILDER_ASSETS, source: 'KUBEBUILDER_ASSETS' })
  const envtestRoot =
    platform === 'darwin'
      ? join(home, 'Library', 'Application Support', 'io.kubebuilder.envtest')
      : platform === 'win32'
        ? join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'kubebuilder-envtest')
        : join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'kubebuilder-envtest')
  for (const dir of envtestVersions(join(envtestRoot, 'k8s'))) out.push({ dir, source: "setup-envtest's store" })
  const cache = env.MESHDECK_KUBE_CACHE ?? join(env.XDG_CACHE_HOME ?? join(home, '.cache'), 'meshdeck', 'kube-1.20')
  out.push({ dir: join(cache, 'assets'), source: 'scripts/build-test-apiserver.sh' })
  return out
}

/** setup-envtest keeps one folder per version, e.g. 1.30.0-linux-amd64; newest first. */
function envtestVersions(root: string): string[] {
  let names: string[]
  try {
    names = readdirSync(root)
  } catch {
    return []
  }
  const version = (name: string): number[] => (/^(\d+)\.(\d+)\.(\d+)/.exec(name)?.slice(1) ?? []).map(Number)
  return names
    .filter((n) => version(n).length === 3)
    .sort((a, b) => {
      const [x, y] = [version(a), version(b)]
      for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0)
      return 0
    })
    .map((n) => join(root, n))
}

function executable(path: string): boolean {
  try {
    const stat = statSync(path)
    return stat.isFile() && (process.platform === 'win32' || (stat.mode & 0o111) !== 0)
  } catch {
    return false
  }
}

export function binaryPath(dir: string, name: ComponentName): string {
  return join(dir, process.platform === 'win32' ? `${name}.exe` : name)
}

export function availableComponents(dir: string): Set<ComponentName> {
  return new Set(componentNames.filter((name) => executable(binaryPath(dir, name))))
}

/** The first candidate with etcd and kube-apiserver (controller-manager and scheduler are optional). */
export function findBinaries(configured: string | null): { dir: string | null; searched: ProcessesFacts['searched'] } {
  const searched: ProcessesFacts['searched'] = []
  for (const candidate of binaryCandidates(configured)) {
    if (!existsSync(candidate.dir)) {
      searched.push({ ...candidate, missing: [...requiredComponents] })
      continue
    }
    const available = availableComponents(candidate.dir)
    const missing = requiredComponents.filter((name) => !available.has(name))
    searched.push({ ...candidate, missing })
    if (missing.length === 0) return { dir: candidate.dir, searched }
    // A configured folder that lacks them is an answer, not a reason to silently use another one.
    if (candidate.source === 'Settings') return { dir: null, searched }
  }
  return { dir: null, searched }
}

/** `kube-apiserver --version` ("Kubernetes v1.20.2"). */
export function apiserverVersion(dir: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(binaryPath(dir, 'kube-apiserver'), ['--version'], { timeout: 10_000 }, (err, stdout, stderr) => {
      resolve(err ? `${err.message}` : `${stdout}${stderr}`.trim())
    })
  })
}

export async function processesFacts(configured: string | null): Promise<ProcessesFacts> {
  const found = findBinaries(configured)
  return { binariesDir: found.dir, searched: found.searched, versionOutput: found.dir ? await apiserverVersion(found.dir) : null }
}
