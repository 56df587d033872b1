import { promises as fs } from 'node:fs'
import { z } from 'zod'
import { writeFileAtomic } from '../lib/io/atomic-write'

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  maximized: z.boolean().optional(),
})
export type WindowBounds = z.infer<typeof boundsSchema>

export const defaultBounds: WindowBounds = { width: 1360, height: 860 }

/** Reads the last window size and position; a missing or damaged file falls back to defaults. */
export async function readWindowState(file: string): Promise<WindowBounds> {
  try {
    const parsed = boundsSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')))
    return parsed.success ? parsed.data : defaultBounds
  } catch {
    return defaultBounds
  }
}

export async function writeWindowState(file: string, bounds: WindowBounds): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(bounds, null, 2))
}

/** Keeps a remembered position only if it is still on one of the current displays. */
export function fitToDisplays(bounds: WindowBounds, displays: { x: number; y: number; width: number; height: number }[]): WindowBounds {
  if (bounds.x === undefined || bounds.y === undefined) return bounds
  const { x, y } = bounds
  const visible = displays.some((d) => x >= d.x && y >= d.y && x < d.x + d.width - 50 && y < d.y + d.height - 50)
  return visible ? bounds : { width: bounds.width, height: bounds.height, maximized: bounds.maximized }
}
