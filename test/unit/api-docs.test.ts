import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderApiDocs } from '@shared/contract/api-docs'

describe('docs/api.md', () => {
  it('matches the contract (run `npm run docs:api` after changing it)', () => {
    expect(readFileSync(join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8')).toBe(renderApiDocs())
  })
})
