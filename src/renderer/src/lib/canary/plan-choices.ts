/** What a person chose in a route's rollout form, kept per route across reloads of the page. */
export interface PlanChoices {
  stable?: string
  canary?: string
  steps?: string
  intervalSeconds?: number
  minRequests?: number
}

const prefix = 'meshdeck.rolloutPlan.'

/** The choices saved for a route (its ref as JSON), or null; a damaged entry counts as none. */
export function loadPlanChoices(routeKey: string, storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): PlanChoices | null {
  try {
    const raw = storage?.getItem(prefix + routeKey)
    const parsed: unknown = raw ? JSON.parse(raw) : null
    return parsed && typeof parsed === 'object' ? (parsed as PlanChoices) : null
  } catch {
    return null
  }
}

export function savePlanChoices(routeKey: string, choices: PlanChoices, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(prefix + routeKey, JSON.stringify(choices))
  } catch {
    // Storage full or off: the form still works, it just forgets on reload.
  }
}
