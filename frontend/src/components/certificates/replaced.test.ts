// @vitest-environment jsdom
// Replaced certificates in the window: counted in no tile, a line that says
// how many are hidden, one click (remembered) to show them, a muted badge
// and what replaced them, in the list and the details; "Not in use".
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { useCertificatesStore } from '@/stores/certificates'
import { useLocaleStore } from '@/stores/locale'
import type { Certificate, OverviewCertificate } from '@/api/types'
import { entriesOf, fake, type FakeFile } from '@/test/api'
import { cert, file } from '@/test/files'
import { freshScreen, mountOptions } from '@/test/setup'
import CertificateList from './CertificateList.vue'
import DpgCertificateDetails from './DpgCertificateDetails.vue'
import StatusTiles from './StatusTiles.vue'

// The renewal: valid from 20 Nov 2026, when it took over (no activation time in DPG).
const at = '2026-11-20T10:00:00Z'
const current = cert({ commonName: 'postkasse@kommune.dk', daysLeft: 1000, notBefore: at })

/** c as a certificate installed in DPG (the offline copy). */
function inDpg(c: Certificate, portalId: string): OverviewCertificate {
  return { ...entriesOf([file('/x.p12', 'valid', { certificate: c })]).certificates[0], files: [], inPortal: true, portalId }
}

/**
 * The renewal, installed in DPG and valid, and two old files of the same mailbox, which Go's overview finds
 * replaced by it: one expired, one expiring.
 */
function history(): FakeFile[] {
  return [
    file('/c/postkasse-2029.p12', 'valid', { certificate: current }),
    file('/Downloads/postkasse-2023.p12', 'expired', { certificate: cert({ commonName: 'postkasse@kommune.dk', daysLeft: -700 }) }),
    file('/Downloads/postkasse-2026.p12', 'expiring', { certificate: cert({ commonName: 'postkasse@kommune.dk', daysLeft: 10 }) }),
    file('/c/other.p12', 'expiring', { certificate: cert({ commonName: 'hr@kommune.dk', daysLeft: 12 }) }),
  ]
}

async function setup(files: FakeFile[], dpg?: OverviewCertificate[]) {
  const { global } = mountOptions(false)
  fake.files = files
  if (dpg) fake.dpg = dpg
  const store = useCertificatesStore()
  await store.load()
  const mountIt = <T>(c: T, props: Record<string, unknown> = {}) => mount(c as never, { props: props as never, global })
  return { store, mountIt }
}

describe('replaced certificates', () => {
  beforeEach(freshScreen)

  it('count in no tile, and a line says how many are not counted', async () => {
    const { store, mountIt } = await setup(history(), [inDpg(current, 'id-1')])
    const w = mountIt(StatusTiles)
    const count = (t: string) => w.get(`[data-testid=tile-${t}] [data-testid=tile-count]`).text()
    expect([count('valid'), count('expiring'), count('invalid'), count('attention')]).toEqual(['1', '1', '0', '0'])
    expect(store.replacedCount).toBe(2)
    expect(w.get('[data-testid=replaced-count]').text()).toBe('2 replaced certificates are not counted.')
    expect(w.get('[data-testid=replaced-toggle]').text()).toBe('Show in the list')
    useLocaleStore().set('da')
    await nextTick()
    expect(w.get('[data-testid=replaced-count]').text()).toBe('2 erstattede certifikater tælles ikke med.')
    expect(w.get('[data-testid=replaced-toggle]').text()).toBe('Vis i listen')
  })

  it('says one in the singular, and nothing when none is replaced', async () => {
    const one = history().slice(0, 2)
    const { mountIt } = await setup(one, [inDpg(current, 'id-1')])
    const w = mountIt(StatusTiles)
    expect(w.get('[data-testid=replaced-count]').text()).toBe('1 replaced certificate is not counted.')
    expect(w.get('[data-testid=replaced-toggle]').text()).toBe('Show in the list')
    const none = await setup([file('/c/a.p12', 'valid')], [])
    expect(none.mountIt(StatusTiles).find('[data-testid=replaced-line]').exists()).toBe(false)
  })

  it('are hidden from the list until one click shows them, muted, with what replaced them; the choice is remembered', async () => {
    const { store, mountIt } = await setup(history(), [inDpg(current, 'id-1')])
    const tiles = mountIt(StatusTiles)
    const list = mountIt(CertificateList)
    const shown = () => list.findAll('[data-testid=cert-row]').map((r) => r.attributes('data-path'))
    expect(shown()).toEqual(['/c/other.p12', '/c/postkasse-2029.p12'])

    // Showing them clears a tile's filter, which would hide them again.
    store.toggleFilter('expiring')
    await tiles.get('[data-testid=replaced-toggle]').trigger('click')
    await flushPromises()
    expect(fake.certificates.setShowReplaced).toHaveBeenCalledWith(true)
    expect(store.filter).toBeNull()
    expect(tiles.get('[data-testid=replaced-toggle]').text()).toBe('Hide from the list')
    expect(tiles.get('[data-testid=replaced-toggle]').attributes('aria-pressed')).toBe('true')
    // History after what needs doing, whatever the sort.
    expect(shown()).toEqual(['/c/other.p12', '/c/postkasse-2029.p12', '/Downloads/postkasse-2023.p12', '/Downloads/postkasse-2026.p12'])
    const old = list.get('[data-path="/Downloads/postkasse-2026.p12"]')
    expect(old.attributes('data-replaced')).toBe('true')
    expect(old.attributes('data-status')).toBe('expiring')
    expect(old.get('[data-testid=replaced-badge]').text()).toBe('Replaced')
    expect(old.get('[data-testid=replaced-by]').text()).toBe('by postkasse@kommune.dk, 20 Nov 2026')
    expect(list.get('[data-path="/c/postkasse-2029.p12"]').find('[data-testid=replaced-badge]').exists()).toBe(false)

    // The next start shows them: the setting says so.
    const again = await setup(history(), [inDpg(current, 'id-1')])
    expect(fake.certificates.showReplaced).toHaveBeenCalled()
    expect(again.store.showReplaced).toBe(true)
    expect(again.mountIt(CertificateList).findAll('[data-testid=replaced-badge]')).toHaveLength(2)

    // And one click hides them again.
    await tiles.get('[data-testid=replaced-toggle]').trigger('click')
    await flushPromises()
    expect(fake.showReplaced).toBe(false)
    expect(shown()).toEqual(['/c/other.p12', '/c/postkasse-2029.p12'])
  })

  it('stay hidden when the setting can not be saved, and say why', async () => {
    const { store, mountIt } = await setup(history(), [inDpg(current, 'id-1')])
    fake.certificates.setShowReplaced.mockRejectedValueOnce(new Error('disk full'))
    const tiles = mountIt(StatusTiles)
    await tiles.get('[data-testid=replaced-toggle]').trigger('click')
    await flushPromises()
    expect(store.showReplaced).toBe(false)
    const { useToastStore } = await import('@/stores/toast')
    expect(useToastStore().toasts.length).toBeGreaterThan(0)
  })

  it('"Not in use" in the Usage column of a certificate in DPG that nothing uses, replaces or replaced', async () => {
    const files = [file('/c/a.p12', 'valid', { certificate: cert({ commonName: 'a@kommune.dk' }) })]
    const base = entriesOf(files).certificates[0]
    fake.dpg = [{ ...base, sha256: 'd'.repeat(64), commonName: 'ubrugt@kommune.dk', files: [], inPortal: true, portalId: 'id-2', notInUse: true }]
    const { mountIt } = await setup(files)
    const w = mountIt(CertificateList)
    expect(w.get(`[data-sha256="${'d'.repeat(64)}"] [data-testid=not-in-use]`).text()).toBe('Not in use')
    expect(w.get('[data-path="/c/a.p12"]').find('[data-testid=not-in-use]').exists()).toBe(false)
    useLocaleStore().set('da')
    await nextTick()
    expect(w.get('[data-testid=not-in-use]').text()).toBe('Ikke i brug')
  })

  it('details say what replaced it and since when, with a link to it', async () => {
    const files = [file('/c/postkasse-2029.p12', 'valid', { certificate: current })]
    const old = cert({ commonName: 'postkasse@kommune.dk', daysLeft: -30 })
    const oldSha = old.sha256
    fake.dpg = [inDpg(current, 'id-new'), inDpg(old, 'id-old')]
    const { store, mountIt } = await setup(files)
    const w = mountIt(DpgCertificateDetails, { sha256: oldSha })
    await flushPromises()
    const note = w.get('[data-testid=replaced-note]')
    expect(note.text()).toContain('Replaced by postkasse@kommune.dk, 20 Nov 2026')
    expect(note.text()).toContain('counts in no tile')
    await note.get('[data-testid=replaced-successor]').trigger('click')
    expect(store.selectedKey).toBe(current.sha256)
  })
})
