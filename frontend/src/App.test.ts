// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api/app', () => ({ app: { language: vi.fn().mockResolvedValue('en') } }))

import App from './App.vue'
import { i18n } from './i18n'

describe('App', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en'
  })

  function mountApp() {
    const pinia = createPinia()
    setActivePinia(pinia)
    return mount(App, { global: { plugins: [pinia, i18n] } })
  }

  it('shows the welcome with its two actions when there are no files', () => {
    const w = mountApp()
    expect(w.get('h1').text()).toBe('DPG Certificates')
    expect(w.get('[data-test=add-files]').text()).toBe('Add files')
    expect(w.get('[data-test=scan-folder]').text()).toBe('Scan folder')
    expect(w.get('[data-test=help]').text()).toContain('Help')
    expect(w.find('[data-test=list]').exists()).toBe(false)
  })

  it('switches to Danish with the flag', async () => {
    const w = mountApp()
    await w.get('[data-test=language-toggle]').trigger('click')
    expect(w.get('[data-test=add-files]').text()).toBe('Tilføj filer')
    expect(w.get('[data-test=scan-folder]').text()).toBe('Scan mappe')
    expect(w.get('[data-test=help]').text()).toContain('Hjælp')
    expect(w.get('[data-test=tile-expiring]').text()).toContain('Udløber snart')
  })
})
