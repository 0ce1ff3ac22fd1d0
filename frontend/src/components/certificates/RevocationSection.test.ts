// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import type { Revocation } from '@/api'
import { i18n } from '@/i18n'
import { useLocaleStore } from '@/stores/locale'
import { fake } from '@/test/api'
import { cert, file } from '@/test/files'
import RevocationSection from './RevocationSection.vue'

const revoked: Revocation = {
  status: 'revoked',
  checkedAt: '2026-12-01T09:00:00Z',
  source: 'ocsp',
  revokedAt: '2026-11-30T10:15:00Z',
  reason: 'keyCompromise',
}

function mountIt(lang: 'en' | 'da', revocation?: Revocation) {
  const pinia = createPinia()
  setActivePinia(pinia)
  i18n.global.locale.value = lang
  useLocaleStore().lang = lang
  return mount(RevocationSection, { props: { path: '/c/x.p12', revocation }, global: { plugins: [pinia, i18n] } })
}

describe('RevocationSection', () => {
  beforeEach(() => fake.reset())

  it('shows when and why a certificate was revoked, in English', () => {
    const w = mountIt('en', revoked)
    expect(w.get('[data-testid=revocation-status]').text()).toBe('Revoked')
    expect(w.get('[data-testid=revocation-reason]').text()).toBe('The key may be exposed')
    expect(w.get('[data-testid=revocation-revokedAt]').text()).toContain('2026')
    expect(w.get('[data-testid=revocation-source]').text()).toBe('OCSP responder')
  })

  it('shows when and why a certificate was revoked, in Danish', () => {
    const w = mountIt('da', revoked)
    expect(w.get('[data-testid=revocation-status]').text()).toBe('Spærret')
    expect(w.get('[data-testid=revocation-reason]').text()).toBe('Nøglen kan være kompromitteret')
    expect(w.text()).toContain('Spærret den')
    expect(w.get('[data-testid=check-revocation]').text()).toBe('Tjek spærring')
  })

  it('says why the answer is unknown, and that an offline answer is old', () => {
    let w = mountIt('en', { status: 'unknown', checkedAt: '2026-12-01T09:00:00Z', error: { code: 'revocation_bad_signature', message: 'x' } })
    expect(w.get('[data-testid=revocation-status]').text()).toBe('Unknown')
    expect(w.get('[data-testid=revocation-error]').text()).toContain('not signed by the CA')
    w = mountIt('en', { status: 'good', checkedAt: '2026-11-20T09:00:00Z', source: 'crl', stale: true })
    expect(w.get('[data-testid=revocation-stale]').text()).toContain('last answer')
  })

  it('turns the background checks off and on', async () => {
    const w = mountIt('en', revoked)
    await flushPromises()
    const box = w.get<HTMLInputElement>('[data-testid=revocation-auto]')
    expect(box.element.checked).toBe(true)
    await box.setValue(false)
    await flushPromises()
    expect(fake.certificates.setRevocationCheck).toHaveBeenCalledWith(false)
  })

  it('asks the CA on demand and hands on the updated file', async () => {
    fake.files = [file('/c/x.p12', 'revoked', { certificate: cert({ revocation: revoked }) })]
    const w = mountIt('en')
    expect(w.find('[data-testid=revocation-status]').exists()).toBe(false)
    await w.get('[data-testid=check-revocation]').trigger('click')
    await flushPromises()
    expect(fake.certificates.checkRevocation).toHaveBeenCalledWith('/c/x.p12')
    const updated = w.emitted('updated')?.[0]?.[0] as { status: string }
    expect(updated.status).toBe('revoked')
  })
})
