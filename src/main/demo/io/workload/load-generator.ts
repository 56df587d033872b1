import { status, type ServiceError } from '@grpc/grpc-js'
import type { LoadStats } from '../../ipc'
import type { ProductPage, ProductRequest } from './api'
import type { Upstream } from './upstream'

const tickMs = 50
/** Beyond this many RPCs in flight the generator skips sends instead of piling up memory. */
const maxInFlight = 200
const deadlineMs = 5_000

/**
 * Calls frontend at a steady rate. Rate is kept with a credit counter (rps × elapsed time) rather
 * than one timer per request, so a rate change takes effect on the next tick and timers stay few.
 */
export class LoadGenerator {
  private rps: number
  private credit = 0
  private inFlight = 0
  private last = Date.now()
  private readonly timer: NodeJS.Timeout
  private readonly stats: LoadStats

  constructor(
    private readonly frontend: Upstream<ProductRequest, ProductPage>,
    rps: number,
  ) {
    this.rps = rps
    this.stats = { ok: 0, failed: 0, failedByCode: {}, okByReviews: {}, rps }
    this.timer = setInterval(() => this.tick(), tickMs)
  }

  setRps(rps: number): void {
    this.rps = rps
    this.stats.rps = rps
    this.credit = 0
  }

  snapshot(): LoadStats {
    return { ...this.stats, failedByCode: { ...this.stats.failedByCode }, okByReviews: { ...this.stats.okByReviews } }
  }

  dispose(): void {
    clearInterval(this.timer)
  }

  private tick(): void {
    const now = Date.now()
    this.credit = Math.min(this.credit + (this.rps * (now - this.last)) / 1000, Math.max(1, this.rps))
    this.last = now
    while (this.credit >= 1) {
      this.credit -= 1
      if (this.inFlight >= maxInFlight) continue
      this.send()
    }
  }

  private send(): void {
    this.inFlight++
    this.frontend
      .call({ productId: 0 }, deadlineMs)
      .then((page) => {
        this.stats.ok++
        const who = page.reviews?.served?.workload || 'unknown'
        this.stats.okByReviews[who] = (this.stats.okByReviews[who] ?? 0) + 1
      })
      .catch((err: Partial<ServiceError>) => {
        this.stats.failed++
        const name = status[err.code ?? status.UNKNOWN] ?? 'UNKNOWN'
        this.stats.failedByCode[name] = (this.stats.failedByCode[name] ?? 0) + 1
      })
      .finally(() => this.inFlight--)
  }
}
