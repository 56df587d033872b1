import { emptyEncodedSnapshot, type EncodedResource, type EncodedSnapshot } from './encoded-snapshot'
import { encodeDiscoveryResponse } from './protos'
import { typeUrls, type ResourceType } from '../resource-types'

/**
 * The names one or more streams subscribed to for one type. Interned: every stream that asks for
 * exactly these names holds the same object, so a push prepares one response per subscription,
 * not one per stream.
 */
export interface Subscription {
  readonly type: ResourceType
  /** null: wildcard (everything of the type; legacy empty first request on LDS/CDS). */
  readonly names: ReadonlySet<string> | null
  /** Sorted names joined by newlines, or '*': the interning key. */
  readonly key: string
}

/**
 * What a subscription gets at one snapshot version, shared by every stream holding it. The bytes
 * (a whole DiscoveryResponse) and the nonce are made on first use: a push to streams whose content
 * did not change costs no encoding at all.
 */
export class PreparedResponse {
  private encoded: Buffer | null = null
  private assignedNonce = ''

  constructor(
    readonly type: ResourceType,
    readonly version: string,
    /** Sorted by name. */
    readonly resources: readonly EncodedResource[],
    /**
     * name@hash of each resource. Equal content keeps the very same string across versions, so
     * "did this change for this stream?" is usually a pointer comparison.
     */
    readonly fingerprint: string,
    private readonly nextNonce: () => string,
  ) {}

  /**
   * One nonce per response content, shared by the streams that get it. Bookkeeping stays per
   * stream: each stream remembers the nonce it was last sent, so a reply to an older response
   * (another nonce) is still recognised as stale.
   */
  get nonce(): string {
    if (this.encoded === null) this.encode()
    return this.assignedNonce
  }

  get bytes(): Buffer {
    return this.encoded ?? this.encode()
  }

  private nameSet: ReadonlySet<string> | null = null

  /** Whether this response carries the named resource (made on first use, shared by its streams). */
  carries(name: string): boolean {
    this.nameSet ??= new Set(this.resources.map((r) => r.name))
    return this.nameSet.has(name)
  }

  private encode(): Buffer {
    this.assignedNonce = this.nextNonce()
    this.encoded = encodeDiscoveryResponse({
      version_info: this.version,
      resources: this.resources.map((r) => r.any),
      type_url: typeUrls[this.type],
      nonce: this.assignedNonce,
    })
    return this.encoded
  }
}

interface Entry {
  subscription: Subscription
  /** Streams holding it; at 0 it is forgotten. */
  refs: number
  /** For the current snapshot, made on first use. */
  current: PreparedResponse | null
  /** From the previous snapshot: its fingerprint string is reused when the content is the same. */
  previous: PreparedResponse | null
}

const byName = (a: EncodedResource, b: EncodedResource): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/** Interned subscriptions and, per snapshot, the one response each of them gets. */
export class ResponseCache {
  private snapshot: EncodedSnapshot = emptyEncodedSnapshot
  private readonly entries = new Map<string, Entry>()
  private readonly bySubscription = new Map<Subscription, Entry>()
  private nonces = 0

  get version(): string {
    return this.snapshot.version
  }

  setSnapshot(snapshot: EncodedSnapshot): void {
    this.snapshot = snapshot
    for (const entry of this.entries.values()) {
      if (entry.current) entry.previous = entry.current
      entry.current = null
    }
  }

  /** The interned subscription for these names (null: wildcard); the caller owns one reference. */
  acquire(type: ResourceType, names: readonly string[] | null): Subscription {
    const sorted = names === null ? null : [...new Set(names)].sort()
    const key = sorted === null ? '*' : sorted.join('\n')
    const mapKey = `${type}\n${key}`
    let entry = this.entries.get(mapKey)
    if (!entry) {
      const subscription: Subscription = Object.freeze({ type, names: sorted === null ? null : new Set(sorted), key })
      entry = { subscription, refs: 0, current: null, previous: null }
      this.entries.set(mapKey, entry)
      this.bySubscription.set(subscription, entry)
    }
    entry.refs += 1
    return entry.subscription
  }

  release(subscription: Subscription): void {
    const entry = this.bySubscription.get(subscription)
    if (!entry) return
    entry.refs -= 1
    if (entry.refs > 0) return
    this.bySubscription.delete(subscription)
    this.entries.delete(`${subscription.type}\n${subscription.key}`)
  }

  /**
   * Whether a request's resource_names mean the same subscription. Every ACK repeats the names,
   * so this must not sort or build keys: set lookups only.
   */
  static sameNames(subscription: Subscription, names: readonly string[]): boolean {
    if (subscription.names === null) return names.length === 0
    if (names.length < subscription.names.size) return false
    for (const name of names) if (!subscription.names.has(name)) return false
    // Every name is subscribed; they are all of them unless a repeat hides a missing one.
    return new Set(names).size === subscription.names.size
  }

  /** Subscriptions currently held by at least one stream (for tests and the bench). */
  size(): number {
    return this.entries.size
  }

  /** What this subscription gets at the current snapshot; the same object for every stream. */
  response(subscription: Subscription): PreparedResponse {
    const entry = this.bySubscription.get(subscription)
    if (!entry) throw new Error(`subscription ${subscription.type} ${subscription.key} was released`)
    entry.current ??= this.prepare(subscription, entry.previous)
    return entry.current
  }

  private prepare(subscription: Subscription, previous: PreparedResponse | null): PreparedResponse {
    const available = this.snapshot.resources[subscription.type]
    const resources: EncodedResource[] = []
    if (subscription.names === null) resources.push(...available.values())
    else
      for (const name of subscription.names) {
        const resource = available.get(name)
        if (resource) resources.push(resource)
      }
    resources.sort(byName)
    let fingerprint = resources.map((r) => `${r.name}@${r.hash}`).join('\n')
    if (previous && previous.fingerprint === fingerprint) fingerprint = previous.fingerprint
    return new PreparedResponse(subscription.type, this.snapshot.version, resources, fingerprint, () => String(++this.nonces))
  }
}
