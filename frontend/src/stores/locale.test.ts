// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const api = vi.hoisted(() => ({ language: vi.fn<() => Promise<string>>() }))
vi.mock('@/api/app', () => ({ app: api }))

import { i18n } from '@/i18n'
import { useLocaleStore } from './locale'

describe('locale store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    i18n.global.locale.value = 'en'
    vi.clearAllMocks()
  })

  it('starts in the language Go chose', async () => {
    api.language.mockResolvedValue('da')
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('da')
    expect(i18n.global.locale.value).toBe('da')
    expect(document.documentElement.lang).toBe('da')
    expect(i18n.global.t('status.expiring')).toBe('Udløber snart')
  })

  it('keeps English when Go cannot be reached', async () => {
    api.language.mockRejectedValue(new TypeError('window.go is undefined'))
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('en')
    expect(i18n.global.t('status.expiring')).toBe('Expiring soon')
  })

  it('ignores a language it has no translations for', async () => {
    api.language.mockResolvedValue('sv')
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('en')
  })

  it('toggles between Danish and English', () => {
    const store = useLocaleStore()
    store.toggle()
    expect(store.lang).toBe('da')
    expect(i18n.global.t('welcome.addFiles')).toBe('Tilføj filer')
    store.toggle()
    expect(store.lang).toBe('en')
    expect(i18n.global.t('welcome.addFiles')).toBe('Add files')
  })
})
