import type { MeshObject } from './model'
import type { MeshProblem } from './problems'

/** One file for the parse worker. */
export interface ParseRequest {
  id: number
  text: string
  file: string
}

/** A slice of the result, or the end of it (with the error when parsing threw). */
export type ParseReply = { id: number; objects: MeshObject[] } | { id: number; problems: MeshProblem[] } | { id: number; done: true; error?: string }
