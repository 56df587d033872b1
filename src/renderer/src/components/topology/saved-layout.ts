/** Where nodes were, and which ones the user dragged (pinned), kept across reloads. */
export interface SavedLayout {
  positions: Record<string, { x: number; y: number }>
  pinned: string[]
}

const key = 'meshdeck.topology.layout.v1'

export function loadSavedLayout(storage: Storage | undefined = globalThis.localStorage): SavedLayout {
  try {
    const raw = storage?.getItem(key)
    if (!raw) return { positions: {}, pinned: [] }
    const parsed = JSON.parse(raw) as Partial<SavedLayout>
    return { positions: parsed.positions ?? {}, pinned: Array.isArray(parsed.pinned) ? parsed.pinned : [] }
  } catch {
    // A corrupt entry only costs a fresh layout.
    return { positions: {}, pinned: [] }
  }
}

export function storeSavedLayout(layout: SavedLayout, storage: Storage | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(key, JSON.stringify(layout))
  } catch {
    // Storage full or disabled: positions simply are not remembered.
  }
}
