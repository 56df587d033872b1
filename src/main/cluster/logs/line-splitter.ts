/** Cuts a byte stream into lines; a line split across chunks is held until its end arrives. */
export class LineSplitter {
  private rest = ''

  push(text: string): string[] {
    const parts = (this.rest + text).split('\n')
    this.rest = parts.pop() ?? ''
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  }

  end(): string[] {
    const last = this.rest
    this.rest = ''
    return last === '' ? [] : [last]
  }
}
