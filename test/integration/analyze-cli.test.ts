import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml } from 'yaml'
import { KubeClient } from '../../src/main/cluster/io'
import { renderWorkloadEntries } from '../../src/main/demo/io/mesh-config'
import { demoWorkloads } from '../../src/main/demo/topology'
import { adminKubeConfig, installIstioCrds, TestCluster } from '../cluster'
import { seedReviewsService } from '../support/kube-mesh-fixtures'
import { destinationRuleYaml, toYaml, virtualServiceYaml } from '../support/xds-mesh-fixtures'

// `meshdeck analyze` as CI runs it: the built CLI (bin/meshdeck.cjs, after `npm run build`), files
// in a temp folder, no running Meshdeck; with --context, a real kube-apiserver with Istio's CRDs.
const root = join(__dirname, '..', '..')
const work = mkdtempSync(join(tmpdir(), 'meshdeck-analyze-'))
const home = join(work, 'home')

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function analyze(args: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const child = spawn(process.execPath, [join(root, 'bin', 'meshdeck.cjs'), 'analyze', ...args], {
    cwd: work,
    env: { ...process.env, MESHDECK_HOME: home, KUBECONFIG: join(work, 'no-kubeconfig'), TERM: 'dumb', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(options.stdin ?? '')
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** A folder holding the demo mesh as the demo writes it (its seed and its WorkloadEntries). */
function demoFolder(name: string): string {
  const dir = join(work, name)
  cpSync(join(root, 'resources', 'demo', 'mesh'), dir, { recursive: true })
  writeFileSync(join(dir, 'demo-workload-entries.yaml'), renderWorkloadEntries(demoWorkloads.map((spec, i) => ({ spec, port: 41000 + i }))))
  return dir
}

/** The demo mesh with reviews' v3 destination renamed v9 (a typo no DestinationRule defines). */
function brokenFolder(name: string): string {
  const dir = demoFolder(name)
  const routing = join(dir, 'demo-reviews-routing.yaml')
  writeFileSync(routing, readFileSync(routing, 'utf8').replace('subset: v3 }', 'subset: v9 }'))
  return dir
}

const brokenLine = (dir: string): string =>
  `Error [IST0101] (VirtualService demo/reviews ${dir}/demo-reviews-routing.yaml:35) Referenced host+subset in destinationrule not found: "reviews.demo.svc.cluster.local+v9"`

afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('meshdeck analyze on files', () => {
  it('analyses the demo mesh clean: exit 0, nothing on stdout, and istioctl\'s ✔ line', async () => {
    const dir = demoFolder('clean')
    const run = await analyze([dir])
    expect(run).toMatchObject({ code: 0, stdout: '' })
    expect(run.stderr).toBe(`✔ No validation issues found when analyzing:\n  - ${['demo-peer-authentication.yaml', 'demo-reviews-routing.yaml', 'demo-services.yaml', 'demo-workload-entries.yaml'].map((f) => join(dir, f)).join('\n  - ')}\n`)
  })

  it('prints a broken reference as istioctl does, with file and line and the fix under it, and exits 79', async () => {
    const dir = brokenFolder('broken')
    const run = await analyze([dir])
    expect(run.code).toBe(79)
    expect(run.stdout.split('\n')).toEqual([brokenLine(dir), expect.stringMatching(/^ {4}Fix: .*Define subset v9 in DestinationRule demo\/reviews \(it defines v1, v2 and v3\)/), ''])
    expect(run.stderr).toContain('Analyzers found issues when analyzing all namespaces.')
  })

  it('gives the same findings as JSON and YAML, with istioctl\'s fields, and the same exit code', async () => {
    const dir = brokenFolder('broken-json')
    const json = await analyze([dir, '-o', 'json'])
    expect(json.code).toBe(79)
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        code: 'IST0101',
        level: 'Error',
        origin: 'VirtualService demo/reviews',
        reference: `${dir}/demo-reviews-routing.yaml:35`,
        message: 'Referenced host+subset in destinationrule not found: "reviews.demo.svc.cluster.local+v9"',
        documentationUrl: 'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
      }),
    ])
    const yaml = await analyze([dir, '--output', 'yaml'])
    expect(yaml.code).toBe(79)
    expect(parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout))
  })

  it('fails at the failure threshold and shows what reaches the output threshold', async () => {
    const dir = demoFolder('warnings')
    // A ServiceEntry whose selector selects nothing: IST0127, a Warning.
    writeFileSync(
      join(dir, 'lonely.yaml'),
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: lonely, namespace: demo }\nspec:\n  hosts: [lonely.demo.svc.cluster.local]\n  ports: [{ number: 9080, name: grpc, protocol: GRPC }]\n  workloadSelector: { labels: { app: lonely } }\n',
    )
    const byDefault = await analyze([dir])
    expect(byDefault.code).toBe(0)
    expect(byDefault.stdout).toMatch(/^Warning \[IST0127\] \(ServiceEntry demo\/lonely .*lonely.yaml:7\) No matching workloads for this resource with the following labels: app=lonely\n/)
    expect((await analyze([dir, '--failure-threshold', 'warning'])).code).toBe(79)
    const quiet = await analyze([dir, '--output-threshold', 'Error', '--failure-threshold', 'Warning'])
    expect(quiet).toMatchObject({ code: 79, stdout: '' })
  })

  it('leaves out suppressed findings and other namespaces', async () => {
    const dir = brokenFolder('suppressed')
    expect((await analyze([dir, '--suppress', 'IST0101=VirtualService demo/reviews'])).code).toBe(0)
    expect((await analyze([dir, '-S', 'IST0101=VirtualService reviews.demo'])).code).toBe(0)
    expect((await analyze([dir, '-S', 'IST0101=VirtualService demo/other'])).code).toBe(79)
    const unknown = await analyze([dir, '-S', 'IST9999=Pod x.y'])
    expect(unknown.stderr).toContain("Warning: Supplied message code 'IST9999' is an unknown message code and will not have any effect.")
    const elsewhere = await analyze([dir, '-n', 'shop'])
    expect(elsewhere).toMatchObject({ code: 0, stdout: '' })
    expect(elsewhere.stderr).toContain('No validation issues found')
    expect((await analyze([dir, '-n', 'demo'])).code).toBe(79)
  })

  it('reports each bad input on its own file and line, and analyses the rest', async () => {
    const dir = brokenFolder('bad-input')
    writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: oops\nspec: {}\n')
    writeFileSync(join(dir, 'gateway.yaml'), 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: ingress, namespace: demo }\nspec: {}\n')
    writeFileSync(join(dir, 'notes.txt'), 'not config')
    const missing = join(work, 'no-such-file.yaml')
    const run = await analyze([dir, missing])
    expect(run.code).toBe(79)
    const lines = run.stdout.split('\n').filter((l) => !l.startsWith('    '))
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^Error \\[MDK0007\\] \\(${dir}/broken.yaml:[34]\\) YAML does not parse`)),
        `Error [MDK0007] (${missing}:1) ${missing} does not exist.`,
        `Warning [MDK0008] (${dir}/gateway.yaml:1) Gateway is not used by the embedded control plane and is ignored.`,
        `Warning [MDK0008] (${dir}/notes.txt:1) ${dir}/notes.txt is skipped: analysed files end in .yaml, .yml, .json.`,
        // The good files are still analysed.
        brokenLine(dir),
      ]),
    )
  })

  it('reads stdin for -', async () => {
    const run = await analyze(['-', '-o', 'json'], { stdin: toYaml([virtualServiceYaml({ name: 'lost', hosts: ['lost.demo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'lost' } }] }] })]) })
    expect(run.code).toBe(79)
    expect((JSON.parse(run.stdout) as { code: string; reference: string }[]).map((f) => [f.code, f.reference])).toEqual([
      ['MDK0004', '-:8'],
      ['IST0101', '-:12'],
    ])
  })

  it('lists its analyzers with -L, and refuses bad usage with exit 64', async () => {
    const list = await analyze(['-L'])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('* virtualservice.DestinationRuleAnalyzer:\n    Checks the destination rules associated with each virtual service\n    codes: IST0101\n')
    for (const args of [['--bogus'], ['.', '--failure-threshold', 'Fatal'], ['.', '-A', '-n', 'demo'], [], ['.', '-o', 'xml'], ['.', '-S', 'IST0101'], ['.', '--analyzer', 'nope.Analyzer']]) {
      const run = await analyze(args)
      expect(run.code, args.join(' ')).toBe(64)
      expect(run.stderr.length, args.join(' ')).toBeGreaterThan(0)
    }
  })
})

describe('meshdeck analyze --context', () => {
  let cluster: TestCluster
  let kube: KubeClient

  beforeAll(async () => {
    cluster = await TestCluster.start()
    const kc = adminKubeConfig(cluster)
    kube = new KubeClient(kc)
    await installIstioCrds(kc)
    await seedReviewsService(kube, 'shop', { v1: { port: 41001 }, v2: { port: 41002 } })
    await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/destinationrules', destinationRuleYaml({ name: 'reviews', host: 'reviews', subsets: ['v1', 'v2'], namespace: 'shop' }))
    const route = [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 50 }] }]
    await kube.json('POST', '/apis/networking.istio.io/v1/namespaces/shop/virtualservices', virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: route, namespace: 'shop' }))
  }, 120_000)

  afterAll(async () => {
    await cluster?.stop()
  })

  it("analyses the cluster's objects against its Services and Pods, in the namespace asked for", async () => {
    const env = { KUBECONFIG: cluster.kubeconfigPath }
    const run = await analyze(['--context', 'admin', '-n', 'shop'], { env })
    expect(run.code).toBe(79)
    expect(run.stdout.split('\n')[0]).toBe('Error [IST0101] (VirtualService shop/reviews) Referenced host+subset in destinationrule not found: "reviews+v3"')
    // The context's namespace (none set: default) has no findings.
    expect((await analyze(['--context', 'admin'], { env })).code).toBe(0)
  })

  it('analyses files as they would be once applied to the cluster: a fixed VirtualService replaces the broken one', async () => {
    const dir = join(work, 'fix')
    mkdirSync(dir)
    const fixed = [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 50 }] }]
    writeFileSync(join(dir, 'reviews.yaml'), toYaml([virtualServiceYaml({ name: 'reviews', hosts: ['reviews'], http: fixed, namespace: 'shop' })]))
    const run = await analyze([dir, '--context', 'admin', '-n', 'shop'], { env: { KUBECONFIG: cluster.kubeconfigPath } })
    expect(run).toMatchObject({ code: 0, stdout: '' })
    expect(run.stderr).toBe('✔ No validation issues found when analyzing namespace: shop.\n')
  })

  it('says so when the context does not exist, with exit 1', async () => {
    const run = await analyze(['--context', 'nowhere'], { env: { KUBECONFIG: cluster.kubeconfigPath } })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('The kubeconfig has no context "nowhere".')
  })
})
