import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { CaInfo, MtlsStatusDto, PolicyConflictDto, WorkloadCertificateDto } from '@shared/contract'
import { call } from '../api/client'
import { presentError, type PresentedError } from '../lib/errors'
import { useSubscriptions } from '../lib/subscriptions'

/** Edges learn whether traffic is mutual TLS from load reports, which come with no event. */
const mtlsPollMs = 5_000

/**
 * The mesh CA, workload certificates, policy conflicts and mTLS status, as the Security page shows
 * them. Events first: certificateRenewed re-reads the certificates (and the mTLS table that shows
 * them), caChanged carries the CA itself, controlPlane.changed (config pushes and ACKs) re-reads
 * conflicts and mTLS. Only the mTLS status is polled, for its observed edges, while visible.
 */
export const useSecurityStore = defineStore('security', () => {
  const ca = ref<CaInfo | null>(null)
  const certificates = ref<WorkloadCertificateDto[]>([])
  const conflicts = ref<PolicyConflictDto[]>([])
  const evaluated = ref(false)
  const mtls = ref<MtlsStatusDto | null>(null)
  const error = ref<PresentedError | null>(null)
  const notice = ref<string | null>(null)
  const rotating = ref(false)

  async function loadCa(): Promise<void> {
    try {
      ca.value = await call('security.caInfo', {})
      error.value = null
    } catch (err) {
      error.value = presentError(err)
    }
  }

  async function loadCertificates(): Promise<void> {
    certificates.value = (await call('security.certificates', {})).certificates
  }

  async function loadConflicts(): Promise<void> {
    const result = await call('security.conflicts', {})
    conflicts.value = result.conflicts
    evaluated.value = result.evaluated
  }

  async function loadMtls(): Promise<void> {
    mtls.value = await call('security.mtlsStatus', {})
  }

  async function rotate(): Promise<void> {
    rotating.value = true
    try {
      const result = await call('security.rotateCa', {})
      ca.value = result.ca
      notice.value = `CA rotated. Workloads switch to new certificates at ${new Date(result.certificatesSwitchAt).toLocaleTimeString()}.`
    } catch (err) {
      error.value = presentError(err)
    } finally {
      rotating.value = false
    }
  }

  /** Follows security while the calling page is mounted (call in its setup). */
  function follow(): void {
    notice.value = null
    // Background refreshes keep the last good view on a failure; the first load reports it.
    const quietly = (work: () => Promise<void>) => (): void => void work().catch(() => undefined)
    const subs = useSubscriptions()
    subs.on('security.certificateRenewed', quietly(() => Promise.all([loadCertificates(), loadMtls()]).then(() => undefined)))
    subs.on('security.caChanged', (info) => (ca.value = info))
    subs.on('controlPlane.changed', quietly(() => Promise.all([loadConflicts(), loadMtls()]).then(() => undefined)))
    subs.poll(quietly(loadMtls), mtlsPollMs, { immediate: false })
    void loadCa()
    void Promise.all([loadCertificates(), loadConflicts(), loadMtls()]).catch((err: unknown) => (error.value = presentError(err)))
  }

  return { ca, certificates, conflicts, evaluated, mtls, error, notice, rotating, follow, rotate }
})
