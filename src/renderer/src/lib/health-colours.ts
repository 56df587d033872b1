import type { HealthClass } from '@shared/contract'

/**
 * The one place a health class gets its colour: the graph (through its palette), the legend, the
 * table view and the side panel all read it here, so "idle" (no traffic) is drawn the same grey
 * everywhere and never mistaken for healthy or for a problem.
 */
export const healthColourVar: Record<HealthClass, '--ok' | '--warn' | '--bad' | '--text-muted'> = {
  healthy: '--ok',
  degraded: '--warn',
  failing: '--bad',
  idle: '--text-muted',
}

/** An inline style giving text the health's colour (the table's and the side panel's cells). */
export const healthTextStyle = (health: HealthClass): { color: string } => ({ color: `var(${healthColourVar[health]})` })

/** An inline style filling a legend dot with the health's colour. */
export const healthDotStyle = (health: HealthClass): { background: string } => ({ background: `var(${healthColourVar[health]})` })
