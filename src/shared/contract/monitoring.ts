import { z } from 'zod'
import { method } from './define'

/** Meshdeck's own metrics (istiod's names where the meaning is the same), on the monitoring port. */
export const monitoringStatusSchema = z.object({
  /** Where Prometheus scrapes them, e.g. http://127.0.0.1:15014/metrics; null when they are off. */
  url: z.string().nullable(),
  /** The metric names served there (docs/metrics.md says what each means). */
  metrics: z.array(z.string()),
})

export const monitoringMethods = {
  'monitoring.status': method(z.object({}).strict(), monitoringStatusSchema, "Where Meshdeck's own metrics are served (istiod's port 15014 by default) and their names.", []),
}
