// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { fake } from '@/test/api'
import { cert, everyStatus, file } from '@/test/files'
import App from './App.vue'
import { i18n } from './i18n'

describe('App', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en'
    fake.reset()
    document.body.innerHTML = ''
  })

  async function mountApp() {
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(App, { global: { plugins: [pinia, i18n] }, attachTo: document.body })
    await flushPromises()
    return w
  }

  it('welcomes with its two actions when there are no files', async () => {
    const w = await mountApp()
    expect(w.get('h1').text()).toBe('DPG Certificates')
    const welcome = w.get('[data-testid=welcome]')
    expect(welcome.get('[data-testid=add-files]').text()).toBe('Add files')
    expect(welcome.get('[data-testid=scan-folder]').text()).toBe('Scan folder')
    expect(w.get('[data-testid=help-button]').text()).toContain('Help')
    expect(w.find('[data-testid=cert-row]').exists()).toBe(false)
    await welcome.get('[data-testid=scan-folder]').trigger('click')
    expect(fake.certificates.scanFolder).toHaveBeenCalled()
  })

  it('shows the overview, and switches language and date format at once', async () => {
    fake.files = [file('/c/a.p12', 'expiring', { certificate: cert({ notAfter: '2026-12-06T12:00:00Z' }) })]
    const w = await mountApp()
    expect(w.find('[data-testid=welcome]').exists()).toBe(false)
    const row = () => w.get('[data-testid=cert-row]')
    expect(row().attributes('data-path')).toBe('/c/a.p12')
    expect(row().text()).toContain('6 Dec 2026')
    expect(row().text()).toContain('10 days left')
    expect(w.get('[data-testid=lang-toggle]').attributes('data-lang')).toBe('en')

    await w.get('[data-testid=lang-toggle]').trigger('click')
    expect(w.get('[data-testid=lang-toggle]').attributes('data-lang')).toBe('da')
    expect(row().text()).toContain('06.12.2026')
    expect(row().text()).toContain('10 dage tilbage')
    expect(w.get('[data-testid=add-files]').text()).toBe('Tilføj filer')
    expect(w.get('[data-testid=tile-expiring]').text()).toContain('Udløber snart')
    expect(w.get('[data-testid=search]').attributes('placeholder')).toContain('Søg')
    expect(fake.app.setLanguage).toHaveBeenCalledWith('da')
    w.unmount()
  })

  it('opens the details from the list and closes them with Esc', async () => {
    fake.files = everyStatus()
    const w = await mountApp()
    await w.get('[data-testid=cert-row][data-path="/c/valid.p12"]').trigger('click')
    await flushPromises()
    const details = w.get('[data-testid=details]')
    const sha1 = fake.files[0].certificate!.sha1.toUpperCase()
    expect(details.get('[data-testid=thumb-sha1]').text()).toBe(sha1)
    expect(details.get('[data-testid=thumb-sha256]').text()).toBe(fake.files[0].certificate!.sha256.toUpperCase())
    await details.get('[data-testid=copy-sha1]').trigger('click')
    expect(fake.copyText).toHaveBeenCalledWith(sha1)
    await details.get('[data-testid=export-cer]').trigger('click')
    expect(fake.portal.exportCer).toHaveBeenCalledWith({ path: '/c/valid.p12' })
    await flushPromises()
    expect(w.get('[data-testid=toast]').text()).toContain('/save/x.cer')

    await details.trigger('keydown', { key: 'Escape' })
    expect(w.find('[data-testid=details]').exists()).toBe(false)
    w.unmount()
  })

  it('exports with the language of the window', async () => {
    fake.files = everyStatus()
    const w = await mountApp()
    await w.get('[data-testid=lang-toggle]').trigger('click')
    await w.get('[data-testid=export-csv]').trigger('click')
    await w.get('[data-testid=export-ics]').trigger('click')
    await w.get('[data-testid=export-json]').trigger('click')
    expect(fake.certificates.exportCsv).toHaveBeenCalledWith('da')
    expect(fake.certificates.exportIcs).toHaveBeenCalledWith('da')
    expect(fake.certificates.exportJson).toHaveBeenCalled()
    w.unmount()
  })

  it('selects rows for an install: one by one, all shown, and clears them', async () => {
    fake.files = [file('/c/a.p12', 'valid'), file('/c/b.p12', 'valid'), file('/c/c.p12', 'expiring')]
    fake.portal.status.mockResolvedValue({
      portal: 'https://portal.example', pending: 0, needsPassword: 0, failed: 0, done: 0, syncing: false,
      signedIn: true, sandbox: false, registerUrl: '', migrateUrl: '',
    })
    const w = await mountApp()
    const install = () => w.get('[data-testid=install-selected]')
    expect(install().text()).toBe('Install in DPG (0)')
    expect(install().attributes('disabled')).toBeDefined()

    await w.get('[data-testid=select-all]').setValue(true)
    expect(install().text()).toBe('Install in DPG (3)')
    await w.findAll('[data-testid=row-select]')[0].setValue(false)
    expect(install().text()).toBe('Install in DPG (2)')
    expect((w.get('[data-testid=select-all]').element as HTMLInputElement).checked).toBe(false)

    await w.get('[data-testid=clear-selection]').trigger('click')
    expect(install().text()).toBe('Install in DPG (0)')
    expect(w.findAll('[data-testid=row-select]').map((c) => (c.element as HTMLInputElement).checked)).toEqual([false, false, false])
    w.unmount()
  })

  it('shows the version in About', async () => {
    const w = await mountApp()
    await w.get('[data-testid=about]').trigger('click')
    await flushPromises()
    expect(w.get('[data-testid=about-version]').text()).toBe('Version v1.2.3')
    w.unmount()
  })
})
