/**
 * How much the collector reads at once. Each body being received is held in memory until it is
 * decoded, so concurrent requests are what can grow the collector: past a number of requests it
 * answers 429, past a number of bytes 503, both with Retry-After, as the OTLP specification asks
 * of an overloaded server (exporters back off and retry). Pure.
 */
export interface AdmissionLimits {
  maxRequests: number
  maxBytes: number
  retryAfterSeconds: number
}

export const defaultAdmissionLimits: AdmissionLimits = { maxRequests: 64, maxBytes: 64 * 1024 * 1024, retryAfterSeconds: 1 }

export type Ticket = { ok: true; leave: () => void } | { ok: false; status: 429 | 503; retryAfterSeconds: number; message: string }

export class Admission {
  private requests = 0
  private bytes = 0
  /** Requests and bytes refused so far, for the ingest health. */
  refused = 0

  constructor(private readonly limits: AdmissionLimits) {}

  /** Lets a request in with the bytes it will hold, or says why not now. */
  enter(bytes: number): Ticket {
    if (this.requests >= this.limits.maxRequests) {
      this.refused++
      return { ok: false, status: 429, retryAfterSeconds: this.limits.retryAfterSeconds, message: `The collector is receiving ${this.requests} batches at once (its limit); retry after ${this.limits.retryAfterSeconds} s.` }
    }
    if (this.bytes > 0 && this.bytes + bytes > this.limits.maxBytes) {
      this.refused++
      return {
        ok: false,
        status: 503,
        retryAfterSeconds: this.limits.retryAfterSeconds,
        message: `The collector is holding ${Math.round(this.bytes / 1024)} KiB of batches being received (its limit is ${Math.round(this.limits.maxBytes / 1024)} KiB); retry after ${this.limits.retryAfterSeconds} s.`,
      }
    }
    this.requests++
    this.bytes += bytes
    let left = false
    return {
      ok: true,
      leave: () => {
        if (left) return
        left = true
        this.requests--
        this.bytes -= bytes
      },
    }
  }

  get inFlight(): { requests: number; bytes: number } {
    return { requests: this.requests, bytes: this.bytes }
  }
}
