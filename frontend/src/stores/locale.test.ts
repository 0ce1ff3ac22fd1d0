// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { fake } from '@/test/api'
import { useLocaleStore } from './locale'

describe('locale store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    i18n.global.locale.value = 'en'
    fake.reset()
  })

  it('starts in the language Go chose', async () => {
    fake.app.language.mockResolvedValue('da')
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('da')
    expect(i18n.global.locale.value).toBe('da')
    expect(document.documentElement.lang).toBe('da')
    expect(i18n.global.t('status.expiring')).toBe('Udløber snart')
    expect(fake.app.setLanguage).not.toHaveBeenCalled()
  })

  it('keeps English when Go cannot be reached', async () => {
    fake.app.language.mockRejectedValue(new TypeError('window.go is undefined'))
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('en')
    expect(i18n.global.t('status.expiring')).toBe('Expiring soon')
  })

  it('ignores a language it has no translations for', async () => {
    fake.app.language.mockResolvedValue('sv')
    const store = useLocaleStore()
    await store.init()
    expect(store.lang).toBe('en')
  })

  it('toggles between Danish and English at once, and Go remembers it', () => {
    const store = useLocaleStore()
    store.toggle()
    expect(store.lang).toBe('da')
    expect(i18n.global.t('welcome.addFiles')).toBe('Tilføj filer')
    expect(fake.app.setLanguage).toHaveBeenLastCalledWith('da')
    store.toggle()
    expect(store.lang).toBe('en')
    expect(i18n.global.t('welcome.addFiles')).toBe('Add files')
    expect(fake.app.setLanguage).toHaveBeenLastCalledWith('en')
  })

  it('switches even when remembering fails', () => {
    fake.app.setLanguage.mockRejectedValue(new Error('no Go'))
    const store = useLocaleStore()
    store.choose('da')
    expect(store.lang).toBe('da')
  })
})
