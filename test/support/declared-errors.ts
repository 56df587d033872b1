import { afterAll } from 'vitest'
import { undeclaredErrors } from '../../src/main/api/declared-errors'

// Vitest setup file: the router notes every error code a method answered with that its MethodSpec
// does not declare (docs/api.md would not list it). Any test file that provokes one fails, naming
// the method and the code to add to its `errors`.
afterAll(() => {
  const found = undeclaredErrors()
  if (found.length > 0) {
    throw new Error(`Methods answered with error codes they do not declare (add them to the method's errors in src/shared/contract):\n${found.map((f) => `  ${f.method}: ${f.code}`).join('\n')}`)
  }
})
