import { Server } from 'node:net'

/**
 * grpc-js-xds's XdsServer opens its port with `listen(port)` and no host, i.e. on every
 * interface, whatever address was passed to bindAsync. Demo workloads have no authentication and
 * must stay on loopback (house rule: servers bind 127.0.0.1), so in this process — and only here,
 * the workload's own process — a listen() given a bare port is pinned to 127.0.0.1 (or, in a pod of
 * the kind sandbox, to the pod's own IP: still one address, never every interface).
 */
export function pinBarePortListensToLoopback(host = '127.0.0.1'): void {
  const original = Server.prototype.listen as (this: Server, ...args: unknown[]) => Server
  const patched = function (this: Server, ...args: unknown[]): Server {
    if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
      return original.call(this, args[0], host, ...args.slice(1))
    }
    return original.apply(this, args)
  }
  Server.prototype.listen = patched as typeof Server.prototype.listen
}
