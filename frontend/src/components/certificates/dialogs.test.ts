// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { useLocaleStore } from '@/stores/locale'
import { useRevocationStore } from '@/stores/revocation'
import { useScanStore } from '@/stores/scan'
import { fake } from '@/test/api'
import { freshScreen, mountOptions } from '@/test/setup'
import FoldersDialog from './FoldersDialog.vue'
import RevocationProgress from './RevocationProgress.vue'
import ScanProgress from './ScanProgress.vue'

describe('FoldersDialog', () => {
  beforeEach(freshScreen)

  it('removes a folder only after confirmation', async () => {
    fake.certificates.folders.mockResolvedValue([{ path: '/srv/certs', addedAt: '2026-01-01T00:00:00Z' }])
    const w = mount(FoldersDialog, mountOptions())
    await flushPromises()
    expect(w.get('[data-testid=folder]').text()).toContain('/srv/certs')

    await w.get('[data-testid=folder-remove]').trigger('click')
    const confirm = () => document.querySelector<HTMLElement>('[data-testid=confirm-dialog]')
    expect(confirm()?.textContent).toContain('/srv/certs')
    expect(fake.certificates.removeFolder).not.toHaveBeenCalled()

    // Cancel first: nothing happens.
    document.querySelector<HTMLElement>('[data-testid=confirm-cancel]')!.click()
    await flushPromises()
    expect(confirm()).toBeNull()
    expect(fake.certificates.removeFolder).not.toHaveBeenCalled()

    await w.get('[data-testid=folder-remove]').trigger('click')
    fake.certificates.folders.mockResolvedValue([])
    document.querySelector<HTMLElement>('[data-testid=confirm-ok]')!.click()
    await flushPromises()
    expect(fake.certificates.removeFolder).toHaveBeenCalledWith('/srv/certs')
    expect(fake.portal.list).toHaveBeenCalled()
    expect(w.text()).toContain('No folders yet')
    w.unmount()
  })
})

describe('ScanProgress', () => {
  beforeEach(freshScreen)

  it('shows a progress bar with Cancel while a scan runs', async () => {
    const w = mount(ScanProgress, mountOptions())
    expect(w.find('[data-testid=scan-progress]').exists()).toBe(false)
    const scan = useScanStore()
    await scan.init()
    fake.emit('scan:progress', { running: true, done: 1200, total: 3000, counted: true, path: '/c/a.p12' })
    await flushPromises()
    const bar = w.get('[data-testid=scan-progress]')
    expect(bar.attributes()).toMatchObject({ role: 'progressbar', 'aria-valuenow': '1200', 'aria-valuemax': '3000' })
    expect(w.text()).toContain('Reading files: 1,200 of 3,000')
    await w.get('[data-testid=scan-cancel]').trigger('click')
    expect(fake.certificates.cancelScan).toHaveBeenCalled()
    fake.emit('scan:done', { requested: true, files: 0, cancelled: true, locked: [] })
    await flushPromises()
    expect(w.find('[data-testid=scan-progress]').exists()).toBe(false)
    w.unmount()
  })
})

describe('RevocationProgress', () => {
  beforeEach(freshScreen)

  it('counts the answers with Cancel while the background check runs, in English and Danish', async () => {
    const w = mount(RevocationProgress, mountOptions())
    expect(w.find('[data-testid=revocation-check]').exists()).toBe(false)
    const rev = useRevocationStore()
    rev.init()
    fake.emit('revocation:progress', { run: 1, done: 0, total: 1500 })
    await flushPromises()
    expect(w.get('[data-testid=revocation-check]').attributes('role')).toBe('status')
    fake.emit('revocation:progress', { run: 1, done: 1200, total: 1500 })
    await flushPromises()
    const bar = w.get('[data-testid=revocation-progress]')
    expect(bar.attributes()).toMatchObject({
      role: 'progressbar',
      'aria-valuenow': '1200',
      'aria-valuemax': '1500',
      'aria-label': 'Revocation check progress',
      'aria-valuetext': 'Checking revocation: 1,200 of 1,500',
    })
    expect(w.get('[data-testid=revocation-progress-text]').text()).toBe('Checking revocation: 1,200 of 1,500')
    expect(w.get('[data-testid=revocation-cancel]').text()).toBe('Cancel')
    expect(w.get('[data-testid=revocation-cancel]').attributes('aria-label')).toBe('Cancel the revocation check (and a scan under way)')

    i18n.global.locale.value = 'da'
    useLocaleStore().lang = 'da'
    await flushPromises()
    expect(w.get('[data-testid=revocation-progress-text]').text()).toBe('Tjekker spærring: 1.200 af 1.500')
    expect(w.get('[data-testid=revocation-cancel]').text()).toBe('Annuller')

    await w.get('[data-testid=revocation-cancel]').trigger('click')
    expect(fake.certificates.cancelScan).toHaveBeenCalled()
    await flushPromises()
    expect(w.get('[data-testid=revocation-cancel]').attributes('disabled')).toBeDefined()
    fake.emit('revocation:done', { run: 1, checked: 1500, cancelled: true })
    await flushPromises()
    expect(w.find('[data-testid=revocation-check]').exists()).toBe(false)
    w.unmount()
  })
})
