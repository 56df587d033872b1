import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { validateWorkflow } from '@action-validator/core'
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

// The workflow and the packaging config only run on GitHub's runners; here they are checked with
// the tools that define them: action-validator's schema of GitHub workflows, and electron-builder's
// own published schema (app-builder-lib/scheme.json).
const root = join(__dirname, '..', '..')
const workflowText = readFileSync(join(root, '.github', 'workflows', 'desktop-and-kind.yml'), 'utf8')
const builderConfig = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>
const builderSchema = JSON.parse(readFileSync(join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object
const validateBuilder = new Ajv({ allErrors: true, strict: false }).compile(builderSchema)

interface Job {
  'runs-on': string
  strategy?: { matrix?: { include?: { os: string; builder: string; packaged: string }[] } }
  steps: { name?: string; run?: string; uses?: string; with?: Record<string, string>; env?: Record<string, string> }[]
}
const workflow = parse(workflowText) as { jobs: Record<string, Job> }

describe('.github/workflows/desktop-and-kind.yml', () => {
  it('is a valid GitHub Actions workflow', () => {
    expect(validateWorkflow(workflowText).errors).toEqual([])
  })

  it('the validator is not a rubber stamp: a misspelt key is refused', () => {
    expect(validateWorkflow(workflowText.replace('runs-on: ubuntu-latest', 'runs-onn: ubuntu-latest')).errors.length).toBeGreaterThan(0)
  })

  it('runs the real-kind e2e, records fixtures, and builds, tests and uploads installers on three systems', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual(['desktop', 'kind-e2e', 'record-fixtures'])
    expect(workflow.jobs['kind-e2e']?.steps.map((s) => s.run).join('\n')).toContain('npx vitest run --project kind')
    expect(workflow.jobs['record-fixtures']?.steps.some((s) => s.with?.name === 'kind-and-engine-recordings')).toBe(true)
    const desktop = workflow.jobs.desktop as Job
    expect(desktop.strategy?.matrix?.include?.map((m) => [m.os, m.builder])).toEqual([
      ['ubuntu-latest', '--linux AppImage deb'],
      ['macos-latest', '--mac dmg'],
      ['windows-latest', '--win nsis'],
    ])
    const runs = desktop.steps.map((s) => s.run ?? '').join('\n')
    expect(runs).toContain('xvfb-run -a npx playwright test test/e2e/electron.spec.ts')
    expect(runs).toContain('npx electron-builder ${{ matrix.builder }} --publish never')
    // The packaged app goes through the same Electron e2e.
    expect(desktop.steps.find((s) => s.name === 'Electron e2e (the packaged app)')?.env?.MESHDECK_ELECTRON_EXECUTABLE).toBe('${{ matrix.packaged }}')
    // Unsigned unless the secrets are there.
    expect(runs).toContain('CSC_IDENTITY_AUTO_DISCOVERY=false')
  })
})

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own schema", () => {
    expect(validateBuilder(builderConfig)).toBe(true)
    expect(validateBuilder.errors ?? []).toEqual([])
  })

  it('the schema check is real: an unknown key or a wrong type is refused', () => {
    expect(validateBuilder({ ...builderConfig, nsiss: {} })).toBe(false)
    expect(validateBuilder({ ...builderConfig, nsis: { oneClick: 'no' } })).toBe(false)
  })

  it('builds AppImage and deb, dmg, and NSIS, from the built app and its resources, never publishing', () => {
    expect(builderConfig).toMatchObject({
      linux: { target: ['AppImage', 'deb'], executableName: 'meshdeck' },
      mac: { target: ['dmg'] },
      win: { target: ['nsis'] },
      files: expect.arrayContaining(['out/**', 'resources/**', 'package.json']),
      publish: null,
    })
    // The workflow's packaged paths follow from these names.
    const packaged = (workflow.jobs.desktop as Job).strategy?.matrix?.include?.map((m) => m.packaged)
    expect(packaged).toEqual(['dist/linux-unpacked/meshdeck', `dist/mac-arm64/${builderConfig.productName as string}.app/Contents/MacOS/${builderConfig.productName as string}`, `dist/win-unpacked/${builderConfig.productName as string}.exe`])
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }
    expect(pkg.main).toBe('out/main/index.js')
  })
})
