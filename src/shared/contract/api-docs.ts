import { z } from 'zod'
import { errorCodeTables, type ErrorDomain } from './error-codes'
import { events, methods } from './index'

const domainNotes: Record<ErrorDomain, string> = {
  transport: 'Any method may answer with these: the router and the transports refuse a call before (or after) a service sees it.',
  common: 'Shared by several domains; each method below lists the ones it can answer with.',
  app: 'Starting Meshdeck itself (its data folder); no method answers with these.',
  clusters: 'Reaching a kubeconfig context’s cluster; a failed connection carries one in its `error`.',
  resources: 'Reading a cluster’s objects and logs; they arrive as data: a feed state’s `error` and `logs.ended`.',
  mesh: 'The embedded control plane and what it serves.',
  security: 'The mesh CA and workload identities.',
  canary: 'Weight edits and progressive rollouts.',
  demo: 'The demo mesh.',
  topology: 'The live service graph.',
  prometheus: 'Prometheus as a telemetry source: reaching it, and what its answers mean (no data is never a pass).',
  traces: 'The trace collector and store.',
  localClusters: 'kind clusters and Docker-free clusters; an operation’s failure arrives as data in `localClusters.operation`.',
  analysis: 'Mesh analysis: a weight edit or rollout that would introduce an Error finding (docs/analysis.md) is refused.',
}

/** A method's codes, with a domain's whole table said once ("any clusters code") rather than spelled out. */
function describeErrors(codes: readonly string[]): string {
  const left = [...new Set(codes)]
  const whole: string[] = []
  for (const [domain, table] of Object.entries(errorCodeTables)) {
    const all = Object.keys(table)
    if (all.length < 3 || !all.every((code) => left.includes(code))) continue
    whole.push(`any [${domain}](#${domain}) code`)
    left.splice(0, left.length, ...left.filter((code) => !all.includes(code)))
  }
  return [...left.map((code) => `\`${code}\``), ...whole].join(', ')
}

/** Renders docs/api.md: every method and event with its JSON Schema, and every error code. */
export function renderApiDocs(): string {
  const schema = (type: z.ZodType): string => JSON.stringify(z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }), null, 2)
  const out: string[] = [
    '# Meshdeck API',
    '',
    '<!-- Generated from src/shared/contract by `npm run docs:api`; a unit test fails when it is stale. -->',
    '',
    'Everything the UI can do is a method of this contract. The desktop app calls it over IPC; web mode',
    '(`meshdeck serve`) serves each method as `POST /api/<method>` with a JSON body and the per-launch token',
    'from the printed URL in an `Authorization: Bearer <token>` header:',
    '',
    '```sh',
    'curl -s -X POST -H "Authorization: Bearer $TOKEN" -d \'{}\' http://127.0.0.1:7420/api/app.status',
    '```',
    '',
    'Answers are `{"ok": true, "result": ...}` or `{"ok": false, "error": {"code", "message", "hint"}}`. A call',
    'without the token gets 401; parameters that break the schema get 400 and change nothing. Every method',
    'lists the codes it may answer with besides the transport codes; [Error codes](#error-codes) says what each means.',
    '',
    'Events arrive on the WebSocket `/api/events`, opened with the subprotocols `meshdeck.v1` and',
    '`meshdeck-token.<token>`; each frame is `{"event": name, "payload": ...}`.',
    '',
    '## Methods',
    '',
  ]
  for (const [name, spec] of Object.entries(methods)) {
    const errors = spec.errors.length > 0 ? describeErrors(spec.errors) : 'none besides the transport codes'
    out.push(`### \`${name}\``, '', spec.summary, '', `Errors: ${errors}.`, '', 'Parameters:', '', '```json', schema(spec.params), '```', '', 'Result:', '', '```json', schema(spec.result), '```', '')
  }
  out.push('## Events', '')
  for (const [name, spec] of Object.entries(events)) {
    out.push(`### \`${name}\``, '', spec.summary, '', '```json', schema(spec.payload), '```', '')
  }
  out.push('## Error codes', '', 'Declared per domain in `src/shared/contract`; the title is what the UI heads the error with.', '')
  for (const [domain, table] of Object.entries(errorCodeTables)) {
    const codes = Object.entries(table)
    out.push(`### ${domain}`, '', domainNotes[domain as ErrorDomain], '')
    if (codes.length === 0) out.push('No codes of its own: it answers with common codes only.', '')
    else out.push('| Code | Title |', '| --- | --- |', ...codes.map(([code, title]) => `| \`${code}\` | ${title} |`), '')
  }
  return out.join('\n')
}
