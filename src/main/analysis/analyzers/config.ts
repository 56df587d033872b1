import { objectKey, validateMesh } from '../../mesh'
import type { Analyzer } from './analyzer'

/**
 * What proxyless gRPC clients cannot be given, and values the control plane refuses: validation's
 * own problems (mesh/validate.ts), which decide what is served. Those with an Istio code are left
 * to the analyzer that finds the same thing in Istio's words; the rest carry Meshdeck's codes.
 */
export const proxylessAnalyzer: Analyzer = {
  name: 'meshdeck.ProxylessGrpcAnalyzer',
  description: 'Checks every field against what proxyless gRPC clients can be given and what the control plane serves',
  codes: ['MDK0001', 'MDK0002', 'MDK0003', 'MDK0004', 'MDK0005', 'MDK0006'],
  analyze(ctx, report) {
    const objects = new Map(ctx.objects().map((o) => [objectKey(o), o]))
    for (const problem of validateMesh(ctx.snapshot)) {
      if (!problem.code?.startsWith('MDK') || !problem.kind) continue
      const object = objects.get(`${problem.kind}/${problem.namespace}/${problem.name}`)
      if (!object) continue
      report(object, {
        code: problem.code,
        args: [problem.field ? `${problem.field}: ${problem.message}` : problem.message],
        field: problem.field,
        fix: problem.hint,
        level: problem.severity === 'error' ? 'Error' : 'Warning',
      })
    }
  },
}

/** Problems reading the config (a file, a document, a kind): what was read of it last keeps serving. */
export const configReadAnalyzer: Analyzer = {
  name: 'meshdeck.ConfigReadAnalyzer',
  description: 'Reports files, documents and objects that could not be read, and kinds that are not used',
  codes: ['MDK0007', 'MDK0008'],
  analyze(ctx, report) {
    for (const problem of ctx.input.sourceProblems ?? []) {
      const error = problem.severity === 'error'
      report(
        { kind: problem.kind, namespace: problem.namespace, name: problem.name, source: problem.source },
        { code: error ? 'MDK0007' : 'MDK0008', args: [problem.field ? `${problem.field}: ${problem.message}` : problem.message], field: problem.field, fix: problem.hint },
      )
    }
  },
}
