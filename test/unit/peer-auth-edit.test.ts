import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { setPeerAuthMode } from '../../src/main/security'

describe('setting a PeerAuthentication mode in a mesh file', () => {
  const file = `# keep me
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: demo }
spec: { host: reviews }
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: demo
spec:
  mtls:
    mode: PERMISSIVE # was the demo's choice
`

  it("changes only the named policy's mode, keeping comments and the other documents", () => {
    const out = setPeerAuthMode(file, { name: 'default', namespace: 'demo' }, { namespace: 'demo' }, 'STRICT')
    expect(out).toContain('# keep me')
    expect(out).toContain('kind: DestinationRule')
    expect(out).toMatch(/mode: STRICT/)
    expect(out).not.toContain('PERMISSIVE')
    expect(out.split('\n').length).toBe(file.split('\n').length)
  })

  it('writes a new policy selecting the app when the file does not exist yet', () => {
    const out = setPeerAuthMode(null, { name: 'ratings', namespace: 'demo' }, { namespace: 'demo', app: 'ratings' }, 'DISABLE')
    expect(parse(out)).toEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'ratings', namespace: 'demo' },
      spec: { selector: { matchLabels: { app: 'ratings' } }, mtls: { mode: 'DISABLE' } },
    })
  })

  it('refuses a file that does not hold the policy, naming it', () => {
    expect(() => setPeerAuthMode(file, { name: 'other', namespace: 'demo' }, { namespace: 'demo' }, 'STRICT')).toThrow('PeerAuthentication demo/other is not in this file')
  })
})
