/// <reference types="vite/client" />
import type { MeshdeckBridge } from '@shared/contract'

declare global {
  interface Window {
    /** Present in the desktop app (exposed by the preload); absent in web mode. */
    meshdeck?: MeshdeckBridge
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
