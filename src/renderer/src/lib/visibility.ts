/** Whether the page is on screen, and word when that changes: what polling pauses on. */
export interface VisibilitySource {
  visible(): boolean
  /** Calls `listener` whenever visibility changes; returns the unsubscribe. */
  onChange(listener: () => void): () => void
}

interface DocumentLike {
  visibilityState: string
  addEventListener(type: 'visibilitychange', listener: () => void): void
  removeEventListener(type: 'visibilitychange', listener: () => void): void
}

/** The browser's Page Visibility API; without a document (unit tests) the page counts as visible. */
export const documentVisibility: VisibilitySource = {
  visible: () => currentDocument()?.visibilityState !== 'hidden',
  onChange(listener) {
    const doc = currentDocument()
    if (!doc) return () => undefined
    doc.addEventListener('visibilitychange', listener)
    return () => doc.removeEventListener('visibilitychange', listener)
  },
}

function currentDocument(): DocumentLike | undefined {
  return (globalThis as { document?: DocumentLike }).document
}
