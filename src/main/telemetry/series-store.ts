import type { TopologySeries, TrafficStats } from '@shared/contract'

export interface SeriesStoreOptions {
  /** Width of one bucket; the latest sample in a bucket wins (samples are already rates). */
  resolutionMs: number
  /** How far back the store remembers. */
  windowMs: number
}

/** One fixed-size ring per element: memory is bounded by elements × window / resolution, whatever the uptime. */
class Ring {
  readonly bucket: Float64Array
  readonly rps: Float64Array
  readonly errorPct: Float64Array
  readonly p99Ms: Float64Array
  last = -1

  constructor(size: number) {
    this.bucket = new Float64Array(size).fill(-1)
    this.rps = new Float64Array(size)
    this.errorPct = new Float64Array(size)
    this.p99Ms = new Float64Array(size)
  }
}

/** Request rate, error % and p99 of every node and edge over the last window, for the side-panel charts. */
export class TopologySeriesStore {
  private readonly rings = new Map<string, Ring>()
  private readonly size: number

  constructor(private readonly options: SeriesStoreOptions = { resolutionMs: 5_000, windowMs: 15 * 60_000 }) {
    this.size = Math.max(1, Math.ceil(options.windowMs / options.resolutionMs))
  }

  get resolutionMs(): number {
    return this.options.resolutionMs
  }

  get trackedIds(): number {
    return this.rings.size
  }

  record(nowMs: number, samples: Iterable<readonly [string, TrafficStats]>): void {
    const b = Math.floor(nowMs / this.options.resolutionMs)
    for (const [id, stats] of samples) {
      let ring = this.rings.get(id)
      if (!ring) {
        ring = new Ring(this.size)
        this.rings.set(id, ring)
      }
      const i = b % this.size
      ring.bucket[i] = b
      ring.rps[i] = stats.rps
      ring.errorPct[i] = stats.errorPct
      ring.p99Ms[i] = stats.p99Ms ?? Number.NaN
      ring.last = b
    }
    // Elements that left the graph are forgotten once their whole window has passed.
    for (const [id, ring] of this.rings) if (ring.last <= b - this.size) this.rings.delete(id)
  }

  has(id: string): boolean {
    return this.rings.has(id)
  }

  /** Every bucket of the window ending now, oldest first; buckets with no sample are null. */
  series(id: string, nowMs: number): TopologySeries {
    const end = Math.floor(nowMs / this.options.resolutionMs)
    const ring = this.rings.get(id)
    const out: TopologySeries = { id, resolutionMs: this.options.resolutionMs, t: [], rps: [], errorPct: [], p99Ms: [] }
    for (let b = end - this.size + 1; b <= end; b++) {
      out.t.push(b * this.options.resolutionMs)
      const i = ((b % this.size) + this.size) % this.size
      const hit = ring !== undefined && ring.bucket[i] === b
      out.rps.push(hit ? (ring.rps[i] as number) : null)
      out.errorPct.push(hit ? (ring.errorPct[i] as number) : null)
      const p99 = hit ? (ring.p99Ms[i] as number) : Number.NaN
      out.p99Ms.push(Number.isNaN(p99) ? null : p99)
    }
    return out
  }
}
