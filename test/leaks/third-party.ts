import { readFileSync } from 'node:fs'
import type { TrackedResource } from './registry'

// Resources a library makes, keeps, and gives us no way to release. Each exception is as narrow as
// it can be: one creation site in one library version, plus whatever state shows it is the known
// bug and not a test that forgot to close something. Remove an entry when the library fixes it.

interface ThirdPartyException {
  readonly library: string
  readonly what: string
  /** Why it leaks, and why nothing in our code can release it. */
  readonly why: string
  matches(resource: TrackedResource, frames: string): boolean
}

export const thirdPartyExceptions: readonly ThirdPartyException[] = [
  {
    library: '@grpc/grpc-js-xds 1.14.1',
    what: 'the priority load balancer’s 10 s failover timer',
    why:
      'PriorityChildImpl.destroy() does not cancel it, so a channel closed while a priority was still ' +
      'connecting leaves it behind. It fires once, on a destroyed balancer, within 10 s.',
    matches: (r, frames) => r.kind === 'timer' && frames.includes('PriorityChildImpl.startFailoverTimer') && frames.includes('grpc-js-xds'),
  },
  {
    library: '@grpc/grpc-js-xds 1.14.1',
    what: 'the call-queue timer of the xDS client’s own channel to the control plane',
    why:
      'grpc-js-xds keeps one XdsClient per bootstrap and never closes its channel (there is no API to). ' +
      'Tests give each channel its own bootstrap (the per-channel bootstrap option), so each has one; ' +
      'when its control plane has gone, the ADS stream waits in that channel’s queue, which refs the timer.',
    matches: (r, frames) => r.kind === 'timer' && frames.includes('InternalChannel.callRefTimerRef') && frames.includes('XdsSingleServerClient'),
  },
  {
    library: '@grpc/grpc-js 1.14.7',
    what: 'a client connection whose TLS 1.3 handshake the server rejected (peer closed: CLOSE_WAIT)',
    why:
      'When a server that requires client certificates refuses a client without one, the refusal comes ' +
      'after the client’s handshake finished; grpc-js then drops the TCP socket without destroying or ' +
      'reading it (reproduced with grpc-js alone). The server side is closed; no code of ours holds the socket.',
    matches: (r, frames) =>
      r.kind === 'socket' && frames.includes('Http2SubchannelConnector.connect') && r.socket !== undefined && tcpState(r.socket.localPort, r.socket.remotePort) === closeWait,
  },
]

const closeWait = '08'

/** The kernel's TCP state (hex, as in /proc/net/tcp) of the loopback connection between these ports. */
function tcpState(localPort: number | undefined, remotePort: number | undefined): string | null {
  if (!localPort || !remotePort) return null
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0')
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/)
      if (local?.endsWith(`:${hex(localPort)}`) && remote?.endsWith(`:${hex(remotePort)}`)) return state ?? null
    }
  }
  return null
}

/** The exception that excuses `resource`, if any. */
export function thirdPartyException(resource: TrackedResource): ThirdPartyException | undefined {
  const frames = resource.created?.stack ?? ''
  return thirdPartyExceptions.find((e) => e.matches(resource, frames))
}
