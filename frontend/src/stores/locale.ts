import { defineStore } from 'pinia'
import { ref } from 'vue'
import { app } from '@/api'
import { DEFAULT_LANG, i18n, isLang, type Lang } from '@/i18n'

// The language shown. Go decides the first one (--lang, else the choice
// made last time, else the OS); the flag in the header switches it, and Go
// remembers the switch.
export const useLocaleStore = defineStore('locale', () => {
  const lang = ref<Lang>(DEFAULT_LANG)

  function set(next: Lang) {
    lang.value = next
    i18n.global.locale.value = next
    document.documentElement.lang = next
  }

  /** Switches at once; remembering it is best effort (outside the window there is no Go). */
  function choose(next: Lang) {
    set(next)
    app.setLanguage(next).catch(() => {})
  }

  function toggle() {
    choose(lang.value === 'da' ? 'en' : 'da')
  }

  /** Asks Go for the starting language. Outside the window, keeps the default. */
  async function init() {
    try {
      const chosen = await app.language()
      if (isLang(chosen)) set(chosen)
    } catch {
      set(lang.value)
    }
  }

  return { lang, set, choose, toggle, init }
})
