import { promises as fs } from 'node:fs'
import { delimiter, join } from 'node:path'
import { homedir } from 'node:os'
import type { ContextList } from '@shared/contract'
import {
  KubeconfigParseError,
  kubeconfigPaths,
  mergeKubeconfigs,
  parseKubeconfig,
  type KubeconfigFile,
  type MergedKubeconfig,
} from '../kubeconfig-merge'

export interface LoadedKubeconfig {
  merged: MergedKubeconfig
  problems: ContextList['problems']
}

/**
 * Reads every kubeconfig file (an explicit path — a file, a folder of files, or a list of them — or KUBECONFIG, or
 * ~/.kube/config). A file that fails is reported and skipped; the others still load.
 */
export async function loadKubeconfig(explicitPath?: string, env = process.env): Promise<LoadedKubeconfig> {
  // An explicit path may be a list like KUBECONFIG (Meshdeck appends its own file of local clusters).
  const paths = explicitPath
    ? (await Promise.all(explicitPath.split(delimiter).filter((p) => p !== '').map(expandPath))).flat()
    : kubeconfigPaths(env.KUBECONFIG, homedir(), delimiter)
  const files: KubeconfigFile[] = []
  const problems: ContextList['problems'] = []
  for (const path of paths) {
    let text: string
    try {
      text = await fs.readFile(path, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // kubectl ignores missing files in KUBECONFIG; only the default location's absence is normal.
      if (code === 'ENOENT') continue
      problems.push({ file: path, message: `Cannot read ${path}: ${code ?? String(err)}`, hint: 'Check the file permissions.' })
      continue
    }
    try {
      files.push(parseKubeconfig(path, text))
    } catch (err) {
      if (err instanceof KubeconfigParseError) problems.push({ file: err.file, message: err.message, hint: err.hint })
      else throw err
    }
  }
  return { merged: mergeKubeconfigs(files), problems }
}

async function expandPath(path: string): Promise<string[]> {
  const stat = await fs.stat(path).catch(() => undefined)
  if (!stat?.isDirectory()) return [path]
  const names = (await fs.readdir(path)).filter((n) => !n.startsWith('.')).sort()
  // A folder may hold links to the user's files (kubeconfigs added from the UI): each is named by
  // the file it points at; a dangling link stays as it is and is skipped like any missing file.
  return Promise.all(names.map((n) => fs.realpath(join(path, n)).catch(() => join(path, n))))
}

export function describeContexts(loaded: LoadedKubeconfig, selected: string | null): ContextList {
  const { merged } = loaded
  return {
    files: merged.files,
    problems: loaded.problems,
    selected,
    contexts: [...merged.contexts.values()].map((ctx) => {
      const clusterName = ctx.value.cluster ?? ''
      return {
        name: ctx.name,
        cluster: clusterName,
        user: ctx.value.user ?? '',
        namespace: ctx.value.namespace ?? null,
        server: merged.clusters.get(clusterName)?.value.server ?? null,
        isKubeconfigCurrent: ctx.name === merged.currentContext,
      }
    }),
  }
}
