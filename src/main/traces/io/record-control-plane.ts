import type { Disposable } from '../../lib/disposable'
import { ConfigHistory, knownNodeOf, type ControlPlaneHistorySource } from '../mesh-context/config-history'

/**
 * Keeps a ConfigHistory of a running control plane: the version served now (so spans from before
 * the next change find their config), every later push, and each client's ACKs, stamped with the
 * time they happened. Clients' identities are noted as they connect.
 */
export function recordControlPlane(history: ConfigHistory, plane: ControlPlaneHistorySource, now: () => number = Date.now): Disposable {
  const noteClients = (): void => {
    for (const client of plane.clients()) history.noteNode(knownNodeOf(client.nodeId, client.metadata))
  }
  const served = plane.status().servedVersion
  if (served > 0) history.record({ kind: 'applied', version: served }, now(), () => plane.snapshot())
  noteClients()
  return plane.onEvent((event) => {
    history.record(event, now(), () => plane.snapshot())
    if (event.kind === 'connected') noteClients()
  })
}
