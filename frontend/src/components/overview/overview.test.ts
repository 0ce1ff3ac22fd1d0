// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { type OverviewCertificate, type OverviewIntegration, type PortalStatus } from '@/api'
import DpgCertificateDetails from '@/components/certificates/DpgCertificateDetails.vue'
import WelcomePanel from '@/components/certificates/WelcomePanel.vue'
import { i18n } from '@/i18n'
import { useCertificatesStore } from '@/stores/certificates'
import { useHelpStore } from '@/stores/help'
import { usePortalStore } from '@/stores/portal'
import { useUiStore } from '@/stores/ui'
import { fake } from '@/test/api'
import { cert, file } from '@/test/files'
import { freshScreen } from '@/test/setup'
import IntegrationCards from './IntegrationCards.vue'

const signedIn: PortalStatus = {
  portal: 'https://portal.example', pending: 0, needsPassword: 0, failed: 0, done: 0, syncing: false,
  signedIn: true, sandbox: false, registerUrl: '', migrateUrl: '', certificatesSyncedAt: '2026-11-26T09:00:00Z',
}

const renewal = cert({ commonName: 'exchange@testkommune-nord.dk', notAfter: '2029-11-01T00:00:00Z' })

function integ(over: Partial<OverviewIntegration> = {}): OverviewIntegration {
  return {
    id: 'int-exo', kind: 'exchange_online', name: 'Exchange Online', state: 'expiring', nextStep: 'install_and_activate',
    certificate: { sha256: 'a'.repeat(64), commonName: 'exchange@testkommune-nord.dk', notAfter: '2026-12-08T00:00:00Z', daysLeft: 12, portalId: 'id-a' },
    successor: { sha256: renewal.sha256, inPortal: false, files: ['/c/fornyet.cer', '/c/fornyet.p12'], portalId: null, commonName: renewal.commonName, notAfter: renewal.notAfter, daysLeft: 1070 },
    version: 'v7',
    ...over,
  }
}

function dpgOnly(over: Partial<OverviewCertificate> = {}): OverviewCertificate {
  return {
    sha256: 'e'.repeat(64), commonName: 'kollega@testkommune-nord.dk', cvr: '29189889', notAfter: '2028-01-01T00:00:00Z',
    notBefore: '2025-01-01T00:00:00Z', daysLeft: 400, status: 'valid', inPortal: true, portalId: 'id-e', files: [],
    usages: [{ integrationId: 'int-dp', kind: 'digital_post', name: 'Digital Post' }], operation: null, sha1: 'f'.repeat(40),
    email: '', uuid: 'U-1', oces: 'oces3', installedAt: '2026-01-01T10:00:00Z', installedBy: 'kollega@testkommune-nord.dk', attention: [], revocation: { status: 'not_checked' },
    replacedBy: null, replacedAt: null, notInUse: false,
    ...over,
  }
}

async function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  fake.portal.status.mockResolvedValue(signedIn as never)
  const portal = usePortalStore()
  await portal.refresh()
  await useCertificatesStore().load()
  await flushPromises()
  return { global: { plugins: [pinia, i18n] } }
}

describe('the integrations strip', () => {
  beforeEach(() => {
    fake.reset()
    i18n.global.locale.value = 'en'
    fake.files = [
      file('/c/fornyet.p12', 'valid', { certificate: renewal }),
      file('/c/fornyet.cer', 'valid', { format: 'der', hasPrivateKey: false, keyMatchesCertificate: false, certificate: renewal }),
    ]
  })

  it('shows each integration with its certificate, its state in words and the next step', async () => {
    fake.integrations = [integ(), integ({ id: 'int-dp', kind: 'digital_post', name: 'Digital Post', state: 'ok', nextStep: 'none', successor: null })]
    const w = mount(IntegrationCards, await setup())
    const cards = w.findAll('[data-testid=integration-card]')
    expect(cards.map((c) => c.attributes('data-next-step'))).toEqual(['install_and_activate', 'none'])
    expect(cards[0].get('[data-testid=card-state]').text()).toBe('Expires in 12 days: the renewal is on this PC, not in DPG')
    expect(cards[0].get('[data-testid=card-certificate]').text()).toBe('exchange@testkommune-nord.dk: 12 days left')
    expect(cards[1].get('[data-testid=card-state]').text()).toBe('In order')
    expect(cards[1].find('[data-testid=card-action]').exists()).toBe(false)
    expect(w.get('[data-testid=cards-synced]').text()).toContain('2026')
    i18n.global.locale.value = 'da'
    await flushPromises()
    expect(cards[0].get('[data-testid=card-state]').text()).toBe('Udløber om 12 dage: fornyelsen er på denne pc, ikke i DPG')
  })

  it('installs and activates in one click: the .p12, with If-Match the version it showed', async () => {
    const dp = integ({ id: 'int-dp', kind: 'digital_post' })
    fake.integrations = [dp]
    fake.portal.activate.mockResolvedValue({ result: 'activated', integration: dp, new: { commonName: 'exchange@testkommune-nord.dk' } } as never)
    const w = mount(IntegrationCards, await setup())
    const loads = fake.portal.list.mock.calls.length
    expect(w.get('[data-testid=card-action]').text()).toBe('Install and activate')
    await w.get('[data-testid=card-action]').trigger('click')
    await flushPromises()
    expect(fake.portal.activate).toHaveBeenCalledWith('int-dp', { path: '/c/fornyet.p12' }, 'v7')
    expect(fake.portal.list.mock.calls.length).toBeGreaterThan(loads)
  })

  it('Exchange Online: names the step that is next, opens the three steps, and keeps the note until dismissed', async () => {
    fake.integrations = [integ()]
    const w = mount(IntegrationCards, await setup())
    expect(w.get('[data-testid=card-action]').text()).toBe('Install in DPG')
    await w.get('[data-testid=card-action]').trigger('click')
    await flushPromises()
    expect(fake.portal.activate).not.toHaveBeenCalled()
    expect(useUiStore().useFor).toEqual({ path: '/c/fornyet.p12', integrationId: 'int-exo' })

    const inDPG = { ...integ().successor!, inPortal: true, portalId: 'id-r' }
    fake.integrations = [integ({ nextStep: 'register_entra', successor: inDPG })]
    await useCertificatesStore().load()
    await flushPromises()
    expect(w.get('[data-testid=card-action]').text()).toBe('Register in Entra')
    expect(w.get('[data-testid=card-state]').text()).toContain("Entra doesn't have it yet")
    await w.get('[data-testid=card-action]').trigger('click')
    expect(useUiStore().useFor).toEqual({ sha256: renewal.sha256, integrationId: 'int-exo' })

    fake.integrations = [integ({ nextStep: 'none', state: 'ok', successor: null, entraNote: { oldSha1: 'ab'.repeat(20), oldCommonName: 'old', at: '' } })]
    await useCertificatesStore().load()
    await flushPromises()
    expect(w.get('[data-testid=entra-note]').text()).toContain('Remove the old certificate from the app registration once mail flows again')
    expect(w.get('[data-testid=entra-note]').text()).toContain('AB'.repeat(20))
    // Which note Dismiss dismisses: the card's name and the note describe it.
    const described = w.get('[data-testid=entra-note-dismiss]').attributes('aria-describedby')!.split(' ')
    expect(described.map((id) => w.get(`#${id}`).text())).toEqual(['Exchange Online', w.get('[data-testid=entra-note] span').text()])
    fake.integrations = [integ({ nextStep: 'none', state: 'ok', successor: null })]
    await w.get('[data-testid=entra-note-dismiss]').trigger('click')
    await flushPromises()
    expect(fake.portal.dismissEntraNote).toHaveBeenCalledWith('int-exo')
    expect(w.find('[data-testid=entra-note]').exists()).toBe(false)
  })

  it('says so when the integration changed meanwhile, and asks for the password when the file needs it', async () => {
    fake.integrations = [integ({ id: 'int-dp', kind: 'digital_post' })]
    const out = (result: string, code: string) => ({ result, code, integration: integ({ id: 'int-dp', kind: 'digital_post' }), new: { commonName: 'x' } }) as never
    fake.portal.activate.mockResolvedValueOnce(out('failed', 'precondition_failed')).mockResolvedValueOnce(out('needs_password', 'password_required'))
    const opts = await setup()
    const w = mount(IntegrationCards, opts)
    await w.get('[data-testid=card-action]').trigger('click')
    await flushPromises()
    const { useToastStore } = await import('@/stores/toast')
    expect(useToastStore().toasts.at(-1)).toMatchObject({ key: 'cards.changed' })
    await w.get('[data-testid=card-action]').trigger('click')
    await flushPromises()
    expect(useUiStore().passwordsOpen).toBe(true)
  })

  it('activates a successor in DPG through the confirmation, opens the guide to renew, and the operations to wait', async () => {
    fake.integrations = [
      integ({ nextStep: 'activate', successor: { ...integ().successor!, inPortal: true, portalId: 'id-r', files: [] } }),
      integ({ id: 'int-dp', kind: 'digital_post', nextStep: 'renew', successor: null }),
      integ({ id: 'int-mit', kind: 'mit_dk', nextStep: 'wait' }),
    ]
    const w = mount(IntegrationCards, await setup())
    const help = useHelpStore()
    const open = vi.spyOn(help, 'openPanel').mockResolvedValue()
    const [activate, renew, wait] = w.findAll('[data-testid=card-action]')
    await activate.trigger('click')
    expect(useUiStore().useFor).toEqual({ sha256: renewal.sha256, integrationId: 'int-exo' })
    await renew.trigger('click')
    expect(open).toHaveBeenCalledWith('renew-certificate')
    await wait.trigger('click')
    expect(useUiStore().operationsOpen).toBe(true)
    expect(fake.portal.activate).not.toHaveBeenCalled()
  })

  it('offline, shows the cached cards and when they were synced', async () => {
    fake.integrations = [integ()]
    const opts = await setup()
    fake.portal.status.mockResolvedValue({ ...signedIn, lastErrorCode: 'network' } as never)
    await usePortalStore().refresh()
    const w = mount(IntegrationCards, opts)
    await flushPromises()
    expect(w.get('[data-testid=cards-offline]').text()).toBe('Offline: this is the state when last synced')
    expect(w.get('[data-testid=cards-synced]').text()).toMatch(/^From DPG, last synced 26 Nov 2026/)
    expect(w.findAll('[data-testid=integration-card]')).toHaveLength(1)
  })

  it('is not shown signed out', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(IntegrationCards, { global: { plugins: [pinia, i18n] } })
    expect(w.find('[data-testid=integrations]').exists()).toBe(false)
  })
})

describe('a certificate only in DPG', () => {
  beforeEach(freshScreen)

  it('shows its portal record and history, exports its .cer from DPG and offers Use for…', async () => {
    fake.dpg = [dpgOnly()]
    fake.portal.events.mockResolvedValue([
      { id: 'e1', at: '2026-01-01T10:00:00Z', actor: 'kollega@testkommune-nord.dk', action: 'certificate.installed', certificateId: 'id-e', details: {} },
    ] as never)
    const opts = await setup()
    const w = mount(DpgCertificateDetails, { ...opts, props: { sha256: dpgOnly().sha256 }, attachTo: document.body })
    await flushPromises()
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid=${id}]`)
    expect(q('fact-usedBy')!.textContent).toBe('Digital Post')
    expect(q('fact-installedBy')!.textContent).toBe('kollega@testkommune-nord.dk')
    expect(q('thumb-sha256')!.textContent).toBe('E'.repeat(64))
    expect(fake.portal.events).toHaveBeenCalledWith({ sha256: 'e'.repeat(64) })
    expect(document.querySelectorAll('[data-testid=audit-event]')).toHaveLength(1)
    q('export-cer')!.click()
    await flushPromises()
    expect(fake.portal.exportCer).toHaveBeenCalledWith({ sha256: 'e'.repeat(64) })
    q('use-for')!.click()
    expect(w.emitted('useFor')).toEqual([[undefined]])
    w.unmount()
  })

  it('is a row of its own in the list, and the tiles count it', async () => {
    fake.dpg = [dpgOnly()]
    await setup()
    const store = useCertificatesStore()
    expect(store.rows).toHaveLength(1)
    expect(store.counts.valid).toBe(1)
    expect(store.isEmpty).toBe(false)
  })
})

describe('the welcome screen', () => {
  it('offers Sign in to DPG next to Add files and Scan folder', async () => {
    fake.reset()
    const pinia = createPinia()
    setActivePinia(pinia)
    const w = mount(WelcomePanel, { global: { plugins: [pinia, i18n] } })
    expect(w.find('[data-testid=add-files]').exists()).toBe(true)
    expect(w.find('[data-testid=scan-folder]').exists()).toBe(true)
    await w.get('[data-testid=welcome-signin]').trigger('click')
    expect(useUiStore().signInOpen).toBe(true)
  })
})
