// Writes docs/api.md from the contract, so the docs can never drift from what the router accepts.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderApiDocs } from '../src/shared/contract/api-docs'

writeFileSync(join(__dirname, '..', 'docs', 'api.md'), renderApiDocs())
