// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { usePortalStore } from '@/stores/portal'
import { useUiStore } from '@/stores/ui'
import { fake } from '@/test/api'
import { freshScreen, mountOptions } from '@/test/setup'
import AccountScreen from './AccountScreen.vue'
import InstallResultsDialog from './InstallResultsDialog.vue'
import OperationsDialog from './OperationsDialog.vue'
import PortalArea from './PortalArea.vue'
import SelectionBar from './SelectionBar.vue'
import UseForDialog from './UseForDialog.vue'

const facts = (name: string, sha: string) => ({ commonName: name, notAfter: '2029-11-24T10:00:00Z', sha1: sha.repeat(40), sha256: sha.repeat(64) })
const plan = (version: string, old: string) => ({
  integration: { id: 'int-exo', kind: 'exchange_online', name: 'EXO', version, activeCertificateId: 'c1', activatedAt: null, activatedBy: null },
  old: facts(old, 'a'),
  new: facts('new@x.dk', 'b'),
  needsInstall: false,
  path: '/new.p12',
  needsEntra: false,
})
const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid=${id}]`)

describe('portal components', () => {
  beforeEach(freshScreen)

  it('Use for…: Exchange Online takes the Entra thumbprint first, then confirms old against new, reloads after a 412 and asks again', async () => {
    fake.portal.integrations.mockResolvedValue([{ ...plan('v1', 'old@x.dk').integration }] as never)
    fake.portal.prepareActivation
      .mockResolvedValueOnce({ ...plan('v1', 'old@x.dk'), needsEntra: true } as never)
      .mockResolvedValueOnce(plan('v1', 'old@x.dk') as never)
      .mockResolvedValueOnce(plan('v2', 'other@x.dk') as never)
    fake.portal.checkEntra
      .mockResolvedValueOnce({ matched: false, code: 'entra_thumbprint_mismatch', known: facts('old@x.dk', 'a') } as never)
      .mockResolvedValueOnce({ matched: true } as never)
    fake.portal.activate
      .mockResolvedValueOnce({ result: 'failed', code: 'precondition_failed', integration: plan('v1', 'x').integration, new: facts('new@x.dk', 'b') } as never)
      .mockResolvedValueOnce({ result: 'activated', integration: plan('v2', 'x').integration, new: facts('new@x.dk', 'b') } as never)
    const w = mount(UseForDialog, { ...mountOptions(), props: { path: '/new.p12' } })
    await flushPromises()
    q('activate-integration')!.click()
    await flushPromises()
    expect(q('entra-step')).not.toBeNull()
    expect(q('entra-step-no')!.textContent).toContain('Step 2 of 3')
    expect(q('entra-sha1')!.textContent).toBe('B'.repeat(40))
    q('entra-copy-sha1')!.click()
    await flushPromises()
    expect(fake.copyText).toHaveBeenLastCalledWith('B'.repeat(40))
    expect(q('entra-copy-sha1')!.textContent).toContain('Copied')

    const input = q('entra-thumbprint') as HTMLInputElement
    input.value = 'AA:AA'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    q('entra-confirm')!.click()
    await flushPromises()
    expect(fake.portal.checkEntra).toHaveBeenLastCalledWith({ path: '/new.p12' }, 'AA:AA')
    expect(q('entra-refused')!.textContent).toContain('That is the thumbprint of old@x.dk')
    expect(fake.portal.activate).not.toHaveBeenCalled()
    q('entra-confirm')!.click()
    await flushPromises()

    expect(q('activate-old')!.textContent).toContain('old@x.dk')
    expect(q('activate-new')!.textContent).toContain('new@x.dk')
    expect(q('entra-state')!.textContent).toContain('Entra has the new certificate')
    q('activate-ok')!.click()
    await flushPromises()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exo', { path: '/new.p12' }, 'v1', false)
    expect(q('activate-changed')).not.toBeNull()
    expect(q('activate-old')!.textContent).toContain('other@x.dk')

    q('activate-ok')!.click()
    await flushPromises()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exo', { path: '/new.p12' }, 'v2', false)
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('Use for…: the escape hatch warns before it goes on without Entra', async () => {
    fake.portal.integrations.mockResolvedValue([{ ...plan('v1', 'old@x.dk').integration }] as never)
    fake.portal.prepareActivation.mockResolvedValue({ ...plan('v1', 'old@x.dk'), needsEntra: true } as never)
    mount(UseForDialog, { ...mountOptions(), props: { path: '/new.p12', integrationId: 'int-exo' } })
    await flushPromises()
    expect(q('entra-skip-warning')).toBeNull()
    q('entra-skip')!.click()
    await flushPromises()
    expect(q('entra-skip-warning')!.textContent).toContain('Exchange Online stops')
    q('entra-skip-confirm')!.click()
    await flushPromises()
    expect(q('entra-state')!.textContent).toContain('Not checked in Entra')
  })

  it('Use for…: the keyboard follows Exchange Online’s steps (install, Entra, a refused paste, the warning, confirm)', async () => {
    fake.portal.integrations.mockResolvedValue([{ ...plan('v1', 'old@x.dk').integration }] as never)
    fake.portal.prepareActivation
      .mockResolvedValueOnce({ ...plan('v1', 'old@x.dk'), needsInstall: true, needsEntra: true } as never)
      .mockResolvedValueOnce({ ...plan('v1', 'old@x.dk'), needsEntra: true } as never)
    fake.portal.checkEntra.mockResolvedValueOnce({ matched: false, code: 'entra_thumbprint_mismatch', known: facts('old@x.dk', 'a') } as never)
    mount(UseForDialog, { ...mountOptions(), props: { path: '/new.p12' } })
    await flushPromises()
    expect(document.activeElement).toBe(q('activate-integration'))
    q('activate-integration')!.click()
    await flushPromises()
    expect(document.activeElement).toBe(q('entra-install'))
    q('entra-install')!.click()
    await flushPromises()
    expect(q('entra-step')).not.toBeNull()
    expect(document.activeElement).toBe(q('entra-export-cer'))

    const input = q('entra-thumbprint') as HTMLInputElement
    input.value = 'AA:AA'
    input.dispatchEvent(new Event('input'))
    await flushPromises()
    input.form!.requestSubmit()
    await flushPromises()
    expect(q('entra-refused')).not.toBeNull()
    expect(document.activeElement).toBe(input)
    expect(input.getAttribute('aria-invalid')).toBe('true')
    expect(input.getAttribute('aria-describedby')).toBe('entra-refused')

    q('entra-skip')!.click()
    await flushPromises()
    expect(document.activeElement).toBe(q('entra-skip-confirm'))
    q('entra-skip-confirm')!.click()
    await flushPromises()
    expect(document.activeElement).toBe(q('activate-ok'))
  })

  it('Use for…: names a kind once, and says "Use for" when there is no current certificate', async () => {
    const first = { ...plan('v1', 'x').integration, kind: 'mit_dk', name: 'mit.dk', activeCertificateId: '' }
    fake.portal.integrations.mockResolvedValue([first] as never)
    fake.portal.prepareActivation.mockResolvedValue({ ...plan('v1', 'x'), integration: first, old: null } as never)
    mount(UseForDialog, { ...mountOptions(), props: { path: '/new.p12' } })
    await flushPromises()
    expect(q('activate-integration')!.textContent!.match(/mit\.dk/g)).toHaveLength(1)
    q('activate-integration')!.click()
    await flushPromises()
    expect(q('activate-confirm')!.textContent).toContain('Use for mit.dk')
    expect(q('activate-confirm')!.textContent).not.toContain('Switch')
  })

  it('shows each file’s result, with the reason of a failure', async () => {
    const w = mount(InstallResultsDialog, mountOptions())
    usePortalStore().installRows = [
      { path: '/a.p12', result: 'installed' },
      { path: '/b.p12', result: 'already' },
      { path: '/c.p12', result: 'failed', code: 'cvr_mismatch' },
    ]
    await flushPromises()
    const rows = Array.from(document.querySelectorAll<HTMLElement>('[data-testid=install-result]'))
    expect(rows.map((r) => r.dataset.result)).toEqual(['installed', 'already', 'failed'])
    expect(rows[2].textContent).toContain('another organisation')
    expect(q('install-summary')!.textContent).toContain('2 of 3')
    w.unmount()
  })

  it('Access Denied links to the registration form', async () => {
    const s = mountOptions()
    const portal = usePortalStore()
    portal.status = {
      portal: 'https://p', pending: 0, needsPassword: 0, failed: 0, done: 0, syncing: false, signedIn: false, sandbox: false,
      registerUrl: 'https://p/register', migrateUrl: 'https://p/migrate', account: 'not_registered',
    }
    portal.screen = 'access-denied'
    mount(AccountScreen, s)
    await flushPromises()
    expect(q('access-denied')!.textContent).toContain('Access Denied')
    expect(q('account-form-link')!.dataset.url).toBe('https://p/register')
  })

  it('Upload existing certificates names the files in its confirmation', async () => {
    const paths = ['/c/a.p12', '/c/b.p12', '/c/c.p12', '/c/d.p12', '/c/e.p12']
    fake.portal.missing.mockResolvedValue(paths)
    const opts = mountOptions()
    const portal = usePortalStore()
    portal.status = { signedIn: true } as never
    portal.missing = paths
    mount(SelectionBar, opts)
    await flushPromises()
    expect(q('upload-existing')!.textContent).toContain('Upload existing certificates (5)')
    q('upload-existing')!.click()
    await flushPromises()
    const items = [...q('confirm-items')!.querySelectorAll('li')].map((li) => li.textContent)
    expect(items).toEqual(['a.p12', 'b.p12', 'c.p12', 'd.p12', 'e.p12'])
    expect(fake.portal.install).not.toHaveBeenCalled()
    q('confirm-ok')!.click()
    await flushPromises()
    expect(fake.portal.install).toHaveBeenCalledWith(paths)
  })

  it('the failed chip opens the outbox at the failed operation', async () => {
    const op = (id: number, state: string) => ({ id, kind: 'install', state, filename: `f${id}.p12`, attempts: 1, createdAt: '' })
    fake.portal.operations.mockResolvedValue([op(1, 'pending'), op(2, 'failed')] as never)
    const opts = mountOptions()
    usePortalStore().status = { signedIn: true, pending: 1, needsPassword: 0, failed: 1 } as never
    mount(PortalArea, opts)
    q('failed-count')!.click()
    expect(useUiStore().operationsOpen).toBe(true)
    mount(OperationsDialog, opts)
    await flushPromises()
    const failed = document.querySelector<HTMLElement>('[data-testid=operation][data-id="2"]')!
    expect(failed.classList.contains('focus')).toBe(true)
    expect(document.activeElement).toBe(failed)
    expect(document.querySelector('[data-testid=operation][data-id="1"]')!.classList.contains('focus')).toBe(false)
  })
})
