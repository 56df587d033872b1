import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzers } from '../../src/main/analysis/analyzers'
import { messageTypes } from '../../src/main/analysis/messages'

// docs/analysis.md is what `meshdeck analyze` and each finding's documentationUrl point to: it must
// describe every code the analysis can report, at the level it reports it, and no code it cannot.
const page = readFileSync(join(__dirname, '..', '..', 'docs', 'analysis.md'), 'utf8')

describe('docs/analysis.md', () => {
  it('has a section for every code, under its anchor, with its name, level, analyzers, cause and fix', () => {
    for (const m of messageTypes) {
      const start = page.indexOf(`<a id="${m.code.toLowerCase()}"></a>\n### ${m.code} ${m.name} — ${m.level}\n`)
      expect(start, `${m.code} ${m.name} — ${m.level}`).toBeGreaterThan(-1)
      const next = page.indexOf('<a id=', start + 1)
      const section = page.slice(start, next === -1 ? undefined : next)
      expect(section).toContain('**Cause:**')
      expect(section).toContain('**Fix:**')
      for (const a of analyzers.filter((a) => a.codes.includes(m.code))) expect(section, `${m.code} names ${a.name}`).toContain(a.name)
    }
  })

  it('describes no code the analysis does not have', () => {
    const documented = [...page.matchAll(/^### ((?:IST|MDK)\d{4}) /gm)].map((match) => match[1])
    expect(documented.sort()).toEqual(messageTypes.map((m) => m.code).sort())
  })
})
