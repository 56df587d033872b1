/** The most of a client's NACK text the control plane keeps (UTF-8 bytes, marker included). */
export const maxNackMessageBytes = 4096

/**
 * A NACK's error text as the control plane keeps it: a client decides how long it is, and every
 * copy (per stream and type, in events, in a paused rollout's reason, on the page) would hold all
 * of it. Past 4 KiB the text is cut, on a character boundary, and says that it was.
 */
export function boundedNackMessage(message: string): string {
  const bytes = Buffer.byteLength(message, 'utf8')
  if (bytes <= maxNackMessageBytes) return message
  const marker = ` … [cut: the client sent ${bytes} bytes]`
  const room = maxNackMessageBytes - Buffer.byteLength(marker, 'utf8')
  // Decoding a prefix that ends inside a character yields U+FFFD; drop it rather than show it.
  const kept = Buffer.from(message, 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '')
  return kept + marker
}
