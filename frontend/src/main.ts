import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n'
import { useLocaleStore } from './stores/locale'
import './style.css'

const app = createApp(App).use(createPinia()).use(i18n)
// Go decides the starting language; mount either way.
void useLocaleStore()
  .init()
  .finally(() => app.mount('#app'))
