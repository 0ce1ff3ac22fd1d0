import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { help as api, toApiError, type Guide } from '@/api'
import { useLocaleStore } from './locale'
import { useUiStore } from './ui'

/** The guides, in the panel's order; the ids are the Markdown files' names. */
export const GUIDE_IDS = ['create-certificate', 'renew-certificate', 'attention', 'overview', 'exchange-online', 'digital-post'] as const

// The help panel: which guide is open, in the current language. Whether
// the panel is open is the UI store's helpOpen.
export const useHelpStore = defineStore('help', () => {
  const ui = useUiStore()
  const guides = ref<Guide[]>([])
  const current = ref<string | null>(null)
  const markdown = ref('')
  const missing = ref(false)
  const loading = ref(false)
  /** The language of markdown: a guide left open in another is shown again. */
  let shownLang = ''
  let seq = 0

  async function loadGuides() {
    const lang = useLocaleStore().lang
    try {
      guides.value = await api.guides(lang)
    } catch {
      guides.value = GUIDE_IDS.map((id) => ({ id, title: '', available: false }))
    }
  }

  async function show(id: string) {
    const lang = useLocaleStore().lang
    const mine = ++seq
    current.value = id
    loading.value = true
    try {
      const md = await api.guide(lang, id)
      if (mine !== seq) return
      markdown.value = md
      missing.value = false
      shownLang = lang
    } catch (err) {
      if (mine !== seq) return
      markdown.value = ''
      missing.value = true
      shownLang = lang
      if (toApiError(err).code !== 'guide_missing') console.error(err)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /**
   * Opens the panel, at a guide if one is given. The guide still open from
   * last time is read again when the language has changed since.
   */
  async function openPanel(id?: string) {
    ui.helpOpen = true
    await loadGuides()
    if (id) await show(id)
    else if (current.value && shownLang !== useLocaleStore().lang) await show(current.value)
  }

  function close() {
    ui.helpOpen = false
  }

  // A language switch reloads the titles and the open guide.
  watch(
    () => useLocaleStore().lang,
    () => {
      if (!ui.helpOpen) return
      void loadGuides()
      if (current.value) void show(current.value)
    },
  )

  return { guides, current, markdown, missing, loading, openPanel, show, close, loadGuides }
})
