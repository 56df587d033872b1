/** One column of a resource table: what it shows, how it sorts, how wide it is. */
export interface Column<T> {
  key: string
  label: string
  /** CSS grid track, e.g. '2fr' or '90px'. */
  width: string
  text: (row: T) => string
  sort?: (row: T) => string | number
  /** Extra class for the cell (e.g. status colours). */
  tone?: (row: T) => 'ok' | 'warn' | 'bad' | null
  mono?: boolean
}
