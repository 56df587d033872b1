/**
 * What Meshdeck reads of a mesh folder, bounded so that no file can freeze the control plane: a
 * huge file, an alias bomb or a file that never finishes reading becomes a problem on that file
 * while the rest of the folder serves.
 */

/** Bytes per YAML file. Istio config this large (≈14,000 objects) belongs in several files. */
export const maxMeshFileBytes = 4 * 1024 * 1024

/**
 * Alias expansions per YAML document (the `yaml` package's maxAliasCount). Hand-written Istio
 * YAML uses few if any; a "billion laughs" document needs millions.
 */
export const maxYamlAliasExpansions = 1000

/** How long one file may take to open and read before it is skipped (a hung network share). */
export const meshFileReadTimeoutMs = 5000

/** How long parsing one file may take (off the main thread) before it is given up. */
export const meshFileParseTimeoutMs = 20_000

/**
 * Files up to this size are parsed on the main thread (a few ms); larger ones in a worker thread,
 * since the YAML parser takes about 0.6 s per MB and the API must keep answering meanwhile.
 */
export const inlineParseBytes = 64 * 1024

export const formatMegabytes = (bytes: number): string => `${Number((bytes / 1024 / 1024).toFixed(1))} MB`
