import type { AppInfo, AppStatus } from '@shared/contract'
import type { EventBus, Router } from '../api'
import { DisposableStack } from '../lib/disposable'

export interface AppApiDeps {
  info: AppInfo
  /** The status bar's view: the selected context and the control plane's state. */
  status: () => AppStatus
}

/** app.info and app.status; `statusChanged()` sends the app.status event when the context or the control plane changes. */
export function registerAppApi(router: Router, bus: EventBus, deps: AppApiDeps): DisposableStack & { statusChanged(): void } {
  const stack = new DisposableStack()
  stack.add(
    router.registerAll({
      'app.info': () => deps.info,
      'app.status': () => deps.status(),
    }),
  )
  return Object.assign(stack, { statusChanged: () => bus.emit('app.status', deps.status()) })
}
