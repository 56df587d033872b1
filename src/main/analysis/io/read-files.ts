import { promises as fs } from 'node:fs'
import { extname, join } from 'node:path'
import { objectKey, parseMeshYaml, type MeshObject, type MeshProblem } from '../../mesh'
import { readMeshFile } from '../../mesh/io'

/** istioctl analyze reads these; anything else named on the command line or found in a folder is skipped. */
export const analyzedExtensions = ['.yaml', '.yml', '.json']

export interface ReadFiles {
  objects: MeshObject[]
  /** Per file, with its line: files that do not exist or cannot be read, YAML that does not parse, unknown kinds, duplicates. */
  problems: MeshProblem[]
  /** The files read, as named in findings. */
  files: string[]
}

const fileProblem = (file: string, severity: MeshProblem['severity'], message: string, hint: string): MeshProblem => ({ severity, message, hint, source: { file, line: 1 } })

/** Every file under a folder, recursively, in name order (hidden names skipped, like editors' swap files). */
async function walk(dir: string): Promise<string[]> {
  const entries = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))
  const files: string[] = []
  for (const entry of entries) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await walk(path)))
    else files.push(path)
  }
  return files
}

/**
 * The Istio objects in the files and folders `meshdeck analyze` is given (`-` is stdin), as
 * istioctl reads them: folders recursively, .yaml/.yml/.json only. Nothing stops the rest: a path
 * that does not exist, a file that cannot be read or does not parse, an unknown kind — each is a
 * problem on its file, with its line. Objects without a namespace get `defaultNamespace`. An object
 * defined twice keeps its first definition, as the mesh folder does.
 */
export async function readAnalysisFiles(paths: readonly string[], options: { defaultNamespace?: string; stdin?: () => Promise<string> } = {}): Promise<ReadFiles> {
  const problems: MeshProblem[] = []
  const files: string[] = []
  const texts: { file: string; text: string }[] = []
  for (const path of paths) {
    if (path === '-') {
      files.push('-')
      texts.push({ file: '-', text: options.stdin ? await options.stdin() : '' })
      continue
    }
    const stats = await fs.stat(path).catch(() => null)
    if (!stats) {
      problems.push(fileProblem(path, 'error', `${path} does not exist.`, 'Check the path; the other files are analysed.'))
      continue
    }
    const candidates = stats.isDirectory() ? await walk(path).catch(() => null) : [path]
    if (!candidates) {
      problems.push(fileProblem(path, 'error', `The folder ${path} cannot be read.`, 'Make it readable; the other files are analysed.'))
      continue
    }
    for (const file of candidates) {
      if (!analyzedExtensions.includes(extname(file).toLowerCase())) {
        problems.push(fileProblem(file, 'warning', `${file} is skipped: analysed files end in ${analyzedExtensions.join(', ')}.`, 'Rename it if it holds Istio config.'))
        continue
      }
      const read = await readMeshFile(file, file)
      if ('gone' in read) problems.push(fileProblem(file, 'error', `${file} does not exist.`, 'Check the path; the other files are analysed.'))
      else if ('problem' in read) problems.push(read.problem)
      else {
        files.push(file)
        texts.push({ file, text: read.text })
      }
    }
  }
  const objects: MeshObject[] = []
  const owners = new Map<string, string>()
  for (const { file, text } of texts) {
    const parsed = parseMeshYaml(text, file, options.defaultNamespace)
    problems.push(...parsed.problems)
    for (const object of parsed.objects) {
      const key = objectKey(object)
      const owner = owners.get(key)
      if (owner) {
        problems.push({
          severity: 'error',
          kind: object.kind,
          namespace: object.namespace,
          name: object.name,
          message: `${key} is also defined in ${owner}; this copy is not analysed.`,
          hint: 'Keep each object in one file.',
          source: object.source ? { file: object.source.file, line: object.source.line } : undefined,
        })
        continue
      }
      owners.set(key, file)
      objects.push(object)
    }
  }
  return { objects, problems, files }
}
