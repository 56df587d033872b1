import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { pages } from './pages'

// Hash history works the same from file:// (desktop) and http:// (web mode).
const views: Record<string, RouteRecordRaw['component']> = {
  clusters: () => import('./views/ClustersView.vue'),
  nodes: () => import('./views/NodesView.vue'),
  pods: () => import('./views/PodsView.vue'),
  workloads: () => import('./views/WorkloadsView.vue'),
  topology: () => import('./views/TopologyView.vue'),
  canary: () => import('./views/CanaryView.vue'),
  traces: () => import('./views/TracesView.vue'),
  security: () => import('./views/SecurityView.vue'),
  'control-plane': () => import('./views/ControlPlaneView.vue'),
  'local-clusters': () => import('./views/LocalClustersView.vue'),
}

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/', redirect: '/topology' },
    ...pages.map((page) => ({ path: page.path, name: page.name, component: views[page.name]!, meta: { title: page.title } })),
    { path: '/:unknown(.*)*', redirect: '/topology' },
  ],
})

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? 'Meshdeck')} · Meshdeck`
})
