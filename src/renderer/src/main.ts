import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { on } from './api/client'
import { setEventSource } from './lib/subscriptions'
import { router } from './router'
import './styles.css'

// Pages and stores subscribe to main's events through useSubscriptions(), which releases them.
setEventSource(on)
createApp(App).use(createPinia()).use(router).mount('#app')
