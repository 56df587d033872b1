/**
 * kind's version, from `kind version` ("kind v0.33.0 go1.24.6 linux/amd64", cmd/kind/version) or
 * `kind version -q` ("0.33.0"). Pure.
 */
export interface KindVersion {
  major: number
  minor: number
  patch: number
  text: string
}

/**
 * The oldest kind Meshdeck drives: v0.20.0 has the v1alpha4 fields used here, the nerdctl provider
 * behind KIND_EXPERIMENTAL_PROVIDER, `kind load image-archive` and `--retain`, and prints its
 * phases as described in kind-output.ts.
 */
export const minimumKindVersion: KindVersion = { major: 0, minor: 20, patch: 0, text: 'v0.20.0' }

export function parseKindVersion(output: string): KindVersion | null {
  const match = /(?:^|\s)v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/.exec(output.trim())
  if (!match) return null
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), text: `v${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}` }
}

export function isKindTooOld(version: KindVersion, minimum: KindVersion = minimumKindVersion): boolean {
  if (version.major !== minimum.major) return version.major < minimum.major
  if (version.minor !== minimum.minor) return version.minor < minimum.minor
  return version.patch < minimum.patch
}
