import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { homedir } from 'node:os'
import { basename, isAbsolute, join, resolve } from 'node:path'
import { MeshdeckError, type AddedKubeconfig } from '@shared/contract'
import { KubeconfigParseError, parseKubeconfig } from '../kubeconfig-merge'
import type { LoadedKubeconfig } from './kubeconfig-loader'

/** Where kubeconfig files added from the UI are linked: a folder every kubeconfig reader reads (after KUBECONFIG's files). */
export function addedKubeconfigsDir(dataDir: string): string {
  return join(dataDir, 'kubeconfigs')
}

/** A kubectl-sized config is a few KB; a multi-MB "kubeconfig" is the wrong file. */
const maxBytes = 4 * 1024 * 1024

/**
 * Checks a kubeconfig file the user named (it exists, is a file, parses, has contexts, is not read
 * already), then links it from `dir` — a link, not a copy, so a refreshed token or a rotated
 * certificate in the user's file is what Meshdeck reads next. Answers with context names only.
 */
export async function addKubeconfig(dir: string, rawPath: string, current: () => Promise<LoadedKubeconfig>): Promise<AddedKubeconfig> {
  const trimmed = rawPath.trim()
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(1)) : trimmed
  if (!isAbsolute(expanded)) {
    throw new MeshdeckError('kubeconfig_file_not_found', `"${trimmed}" is not an absolute path.`, 'Give the full path of the file, e.g. /home/me/.kube/staging.yaml or ~/.kube/staging.yaml.')
  }
  const path = resolve(expanded)
  const stat = await fs.stat(path).catch(() => null)
  if (!stat) throw new MeshdeckError('kubeconfig_file_not_found', `There is no file at ${path}.`, 'Check the path (kubectl config view --raw shows what a kubeconfig holds).')
  if (!stat.isFile()) throw new MeshdeckError('kubeconfig_file_not_found', `${path} is a folder, not a kubeconfig file.`, 'Give the path of one file in it.')
  if (stat.size > maxBytes) throw new MeshdeckError('kubeconfig_file_invalid', `${path} is ${Math.round(stat.size / 1024 / 1024)} MB, far larger than a kubeconfig.`, 'Check that this is the kubeconfig file.')
  const file = await fs.realpath(path)
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new MeshdeckError('kubeconfig_file_not_found', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}.`, 'Check the file permissions.')
  }
  let parsed
  try {
    parsed = parseKubeconfig(file, text)
  } catch (err) {
    if (err instanceof KubeconfigParseError) throw new MeshdeckError('kubeconfig_file_invalid', err.message, err.hint)
    throw err
  }
  if (parsed.contexts.length === 0) {
    throw new MeshdeckError('kubeconfig_no_contexts', `${file} defines no context, so there would be nothing to choose.`, 'Pick a kubeconfig with a "contexts:" list (kubectl config get-contexts --kubeconfig FILE lists them).')
  }
  const loaded = await current()
  if (loaded.merged.files.includes(file)) {
    throw new MeshdeckError('kubeconfig_already_read', `Meshdeck already reads ${file}.`, 'Its contexts are listed on the Clusters page.')
  }
  const shadowed = parsed.contexts.map((c) => c.name).filter((name) => loaded.merged.contexts.has(name))
  // One link per file, named after it; the hash keeps two files called "config" apart.
  const link = join(dir, `${basename(file)}-${createHash('sha256').update(file).digest('hex').slice(0, 10)}`)
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 })
    await fs.symlink(file, link)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw new MeshdeckError('kubeconfig_already_read', `Meshdeck already reads ${file}.`, 'Its contexts are listed on the Clusters page.')
    throw new MeshdeckError('kubeconfig_not_added', `Could not link ${file} from ${dir}: ${code ?? String(err)}.`, 'Start Meshdeck with --kubeconfig FILE or set KUBECONFIG instead.')
  }
  return { file, contexts: parsed.contexts.map((c) => c.name), shadowed }
}
