// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { useCertificatesStore } from '@/stores/certificates'
import { useLocaleStore } from '@/stores/locale'
import { entriesOf, fake, manyRows } from '@/test/api'
import { WORST_FIRST, cert, everyStatus, file } from '@/test/files'
import { freshScreen } from '@/test/setup'
import CertificateList from './CertificateList.vue'
import StatusTiles from './StatusTiles.vue'

async function setup(files = everyStatus()) {
  const pinia = createPinia()
  setActivePinia(pinia)
  fake.files = files
  const store = useCertificatesStore()
  await store.load()
  const mountIt = <T>(c: T) => mount(c as never, { global: { plugins: [pinia, i18n] } })
  return { store, mountIt }
}

describe('StatusTiles', () => {
  beforeEach(freshScreen)

  it('counts each tile and toggles its filter', async () => {
    const { store, mountIt } = await setup()
    const w = mountIt(StatusTiles)
    const count = (t: string) => w.get(`[data-testid=tile-${t}] [data-testid=tile-count]`).text()
    expect([count('valid'), count('expiring'), count('invalid'), count('attention')]).toEqual(['1', '1', '3', '2'])
    const tile = w.get('[data-testid=tile-attention]')
    expect(tile.attributes('aria-pressed')).toBe('false')
    expect(tile.text()).toContain('Locked, unreadable')
    await tile.trigger('click')
    expect(store.filter).toBe('attention')
    expect(tile.attributes('aria-pressed')).toBe('true')
    await tile.trigger('click')
    expect(store.filter).toBeNull()
    expect(tile.attributes('aria-pressed')).toBe('false')
  })

  it('writes big numbers in the language', async () => {
    fake.rows = manyRows(1200)
    const { mountIt } = await setup([])
    const w = mountIt(StatusTiles)
    expect(w.get('[data-testid=tile-valid] [data-testid=tile-count]').text()).toBe('1,200')
    useLocaleStore().set('da')
    await nextTick()
    expect(w.get('[data-testid=tile-valid] [data-testid=tile-count]').text()).toBe('1.200')
    expect(w.get('[data-testid=tile-valid]').text()).toContain('Gyldige')
  })

  it('shows the warning window next to "Expiring soon", and sets it', async () => {
    const { store } = await setup()
    // The dialog is teleported to the body.
    const w = mount(StatusTiles as never, { global: { plugins: [i18n] }, attachTo: document.body })
    expect(w.get('[data-testid=tile-hint-expiring]').text()).toBe('Within 30 days')
    await w.get('[data-testid=warn-days-edit]').trigger('click')
    const input = document.querySelector<HTMLInputElement>('[data-testid=warn-days-input]')!
    expect(input.value).toBe('30')
    input.value = '60'
    input.dispatchEvent(new Event('input'))
    document.querySelector<HTMLButtonElement>('[data-testid=warn-days-save]')!.click()
    await vi.waitFor(() => expect(document.querySelector('[data-testid=warn-days-dialog]')).toBeNull())
    expect(fake.certificates.setWarnDays).toHaveBeenCalledWith(60)
    expect(fake.portal.list).toHaveBeenCalledTimes(2) // the overview reloads, judged with it
    expect(store.warnDays).toBe(60)
    expect(w.get('[data-testid=tile-hint-expiring]').text()).toBe('Within 60 days')
    w.unmount()
  })
})

describe('CertificateList', () => {
  beforeEach(freshScreen)

  it('shows a row per file with its path and status', async () => {
    const { mountIt } = await setup()
    const w = mountIt(CertificateList)
    const rows = w.findAll('[data-testid=cert-row]')
    expect(rows).toHaveLength(7)
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(WORST_FIRST)
    expect(w.get('[data-path="/c/locked.p12"]').text()).toContain('Locked')
    expect(w.get('[data-path="/c/expired.p12"]').text()).toContain('5 days ago')
    expect(w.get('[data-path="/c/future.p12"]').text()).toContain('valid from 29 Nov 2026')
    expect(w.get('[data-path="/c/blåbær.txt"]').text()).toContain('Not a certificate file')
  })

  it('shows where each certificate is, its files, and its operation; a row only in DPG has nothing to select', async () => {
    const c = cert({ commonName: 'exchange@kommune.dk' })
    const files = [file('/c/a.p12', 'valid', { certificate: c }), file('/c/a.cer', 'valid', { format: 'der', certificate: c })]
    fake.files = files
    const base = entriesOf(files).certificates[0]
    fake.dpg = [
      { ...base, inPortal: true, portalId: 'id-1', operation: { kind: 'activate', state: 'failed', id: 4, errorCode: 'precondition_failed' } },
      { ...base, sha256: 'd'.repeat(64), commonName: 'kollega@kommune.dk', files: [], inPortal: true, portalId: 'id-2', operation: { kind: 'install', state: 'pending', id: 5 } },
    ]
    const { mountIt } = await setup(files)
    const w = mountIt(CertificateList)
    const both = w.get(`[data-sha256="${c.sha256}"]`)
    expect(both.attributes('data-files')).toBe('2')
    expect(both.text()).toContain('In DPG')
    expect(both.text()).toContain('On this PC')
    expect(both.text()).toContain('2 files')
    expect(both.get('[data-testid=row-operation]').text()).toBe('Activation failed')
    expect(both.find('[data-testid=row-select]').exists()).toBe(true)
    const dpgOnly = w.get(`[data-sha256="${'d'.repeat(64)}"]`)
    expect(dpgOnly.find('[data-testid=on-pc]').exists()).toBe(false)
    expect(dpgOnly.get('[data-testid=row-operation]').text()).toBe('Install under way')
    expect(dpgOnly.find('[data-testid=row-select]').exists()).toBe(false)
    expect(w.get('[data-testid=list-count]').text()).toBe('2 of 2 certificates')
  })

  it('renders only the rows in view for 10,000 files', async () => {
    fake.rows = manyRows(10000)
    const { mountIt } = await setup([])
    const w = mountIt(CertificateList)
    const rows = w.findAll('[data-testid=cert-row]')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(60)
    expect(w.get('[role=grid]').attributes('aria-rowcount')).toBe('10001') // the header row and 10,000 rows
  })

  it('is one grid for a screen reader: headers, row indexes, row headers, the active row selected', async () => {
    const { mountIt } = await setup()
    const w = mountIt(CertificateList)
    const grid = w.get('[role=grid]')
    const rows = grid.findAll('[role=row]')
    expect(rows[0].attributes('aria-rowindex')).toBe('1')
    const headers = rows[0].findAll('[role=columnheader]').length
    expect(grid.attributes('aria-colcount')).toBe(String(headers))
    rows.slice(1).forEach((r, i) => {
      expect(r.attributes('aria-rowindex')).toBe(String(i + 2))
      expect(r.findAll('[role=rowheader]')).toHaveLength(1)
      const span = r.findAll('[role=gridcell], [role=rowheader]').reduce((n, c) => n + Number(c.attributes('aria-colspan') ?? 1), 0)
      expect(span).toBe(headers)
    })
    expect(grid.attributes('aria-activedescendant')).toBe(rows[1].attributes('id'))
    expect(rows[1].attributes('aria-selected')).toBe('true')
    await grid.trigger('keydown', { key: 'ArrowDown' })
    expect(grid.attributes('aria-activedescendant')).toBe(rows[2].attributes('id'))
    expect(w.findAll('[role=row][aria-selected=true]')).toHaveLength(1)
  })

  it('shows an e-mail under the name only when it differs from it', async () => {
    const { mountIt } = await setup([
      file('/a.p12', 'valid', { certificate: cert({ commonName: 'a@example.dk', email: 'a@example.dk' }) }),
      file('/b.p12', 'valid', { certificate: cert({ commonName: 'Sikkerpost', email: 'b@example.dk' }) }),
    ])
    const w = mountIt(CertificateList)
    const name = (p: string) => w.get(`[data-path="${p}"] [role=rowheader]`).text()
    expect(name('/a.p12')).toBe('a@example.dk')
    expect(name('/b.p12')).toContain('b@example.dk')
  })

  it('moves with the arrow keys and opens with Enter', async () => {
    const { store, mountIt } = await setup()
    const w = mountIt(CertificateList)
    const grid = w.get('[role=grid]')
    const keyOf = (path: string) => store.rows.find((r) => r.files[0] === path)!.key
    await grid.trigger('keydown', { key: 'ArrowDown' })
    await grid.trigger('keydown', { key: 'ArrowDown' })
    await grid.trigger('keydown', { key: 'ArrowUp' })
    expect(grid.attributes('aria-activedescendant')).toBe('cert-row-1')
    await grid.trigger('keydown', { key: 'Enter' })
    await grid.trigger('keydown', { key: 'End' })
    await grid.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('open')).toEqual([[keyOf('/c/mismatch.p12')], [keyOf('/c/valid.p12')]])
  })

  it('sorts by a column header and marks it', async () => {
    const { store, mountIt } = await setup()
    const w = mountIt(CertificateList)
    await w.get('[data-testid=sort-file]').trigger('click')
    expect(store.sort).toEqual({ key: 'file', dir: 'asc' })
    expect(w.get('[data-testid=sort-file]').element.parentElement!.getAttribute('aria-sort')).toBe('ascending')
    expect(w.findAll('[data-testid=cert-row]')[0].attributes('data-path')).toBe('/c/blåbær.txt')
  })

  it('says so when nothing matches, and clears the search', async () => {
    const { store, mountIt } = await setup()
    store.query = 'nothing-like-this'
    const w = mountIt(CertificateList)
    expect(w.findAll('[data-testid=cert-row]')).toHaveLength(0)
    await w.get('[data-testid=list-empty] button').trigger('click')
    expect(store.query).toBe('')
  })
})
