import { z } from 'zod'
import { event, method } from './define'

export const appModeSchema = z.enum(['electron', 'web'])

export const appInfoSchema = z.object({
  name: z.literal('Meshdeck'),
  version: z.string(),
  mode: appModeSchema,
  platform: z.string(),
  /** Where Meshdeck keeps its settings, mesh config and CA (shown so a person can find them). */
  dataDir: z.string(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

export const controlPlaneStateSchema = z.enum(['stopped', 'starting', 'running', 'failed'])
export type ControlPlaneState = z.infer<typeof controlPlaneStateSchema>

export const appStatusSchema = z.object({
  /** The kubeconfig context Meshdeck is looking at, or null when none is selected. */
  currentContext: z.string().nullable(),
  controlPlane: z.object({
    state: controlPlaneStateSchema,
    /** Where xDS clients dial, e.g. 127.0.0.1:15010, when running. */
    address: z.string().nullable(),
    connectedClients: z.number().int().nonnegative(),
    message: z.string().optional(),
  }),
})
export type AppStatus = z.infer<typeof appStatusSchema>

export const appMethods = {
  'app.info': method(z.object({}).strict(), appInfoSchema, 'Name, version, mode and data folder of this Meshdeck.', []),
  'app.status': method(
    z.object({}).strict(),
    appStatusSchema,
    'The current kubeconfig context and the embedded control plane state (what the status bar shows).',
    [],
  ),
}

export const appEvents = {
  'app.status': event(appStatusSchema, 'The status bar changed: context or control-plane state.'),
}
