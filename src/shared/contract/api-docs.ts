import { z } from 'zod'
import { events, methods } from './index'

/** Renders docs/api.md: every method and event with its JSON Schema. */
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
    'without the token gets 401; parameters that break the schema get 400 and change nothing.',
    '',
    'Events arrive on the WebSocket `/api/events`, opened with the subprotocols `meshdeck.v1` and',
    '`meshdeck-token.<token>`; each frame is `{"event": name, "payload": ...}`.',
    '',
    '## Methods',
    '',
  ]
  for (const [name, spec] of Object.entries(methods)) {
    out.push(`### \`${name}\``, '', spec.summary, '', 'Parameters:', '', '```json', schema(spec.params), '```', '', 'Result:', '', '```json', schema(spec.result), '```', '')
  }
  out.push('## Events', '')
  for (const [name, spec] of Object.entries(events)) {
    out.push(`### \`${name}\``, '', spec.summary, '', '```json', schema(spec.payload), '```', '')
  }
  return out.join('\n')
}
