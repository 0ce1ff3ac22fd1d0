import { describe, expect, it } from 'vitest'
import type { NextStep, OverviewIntegration } from '@/api/types'
import { STEP_LABEL, stateMessage, stepLabel, tone, whyMessage } from './integrations'

function integ(over: Partial<OverviewIntegration> = {}, daysLeft = 200): OverviewIntegration {
  return {
    id: 'int-exo',
    kind: 'exchange_online',
    name: 'Exchange Online',
    state: 'ok',
    nextStep: 'none',
    certificate: { sha256: 'a'.repeat(64), commonName: 'exchange@x.dk', notAfter: '2027-01-01T00:00:00Z', daysLeft, portalId: 'id-a' },
    successor: null,
    version: 'v1',
    ...over,
  }
}

describe('integration cards', () => {
  it.each([
    [integ({}), { key: 'cards.state_ok' }],
    [integ({ state: 'expiring' }, 12), { key: 'cards.state_expiring_days', params: { n: 12 } }],
    [integ({ state: 'expiring' }, 1), { key: 'cards.state_expiring_days', params: { n: 1 } }],
    [integ({ state: 'expiring' }, 0), { key: 'cards.state_expiring_today' }],
    [integ({ state: 'expired' }, -5), { key: 'cards.state_expired_days', params: { n: 5 } }],
    [integ({ state: 'expired' }, -1), { key: 'cards.state_expired_days', params: { n: 1 } }],
    [integ({ state: 'no_certificate', certificate: null }), { key: 'cards.state_no_certificate' }],
  ])('say the state in words (%#)', (i, want) => {
    expect(stateMessage(i)).toEqual(want)
  })

  it('say why, and offer the next step as the button', () => {
    const i = integ({ state: 'expiring', nextStep: 'install_and_activate' }, 12)
    expect(whyMessage(i)).toEqual({ key: 'cards.why_install_and_activate' })
    expect(STEP_LABEL[i.nextStep]).toBe('cards.do_install_and_activate')
    expect(whyMessage(integ())).toBeNull()
    expect(STEP_LABEL.none).toBeNull()
  })

  it('name Exchange Online\'s three steps: install in DPG, register in Entra, activate', () => {
    const exo = (nextStep: NextStep) => integ({ kind: 'exchange_online', nextStep })
    expect(stepLabel(exo('install_and_activate'))).toBe('cards.do_install_dpg')
    expect(stepLabel(exo('register_entra'))).toBe('cards.do_register_entra')
    expect(whyMessage(exo('register_entra'))).toEqual({ key: 'cards.why_register_entra' })
    expect(stepLabel(exo('activate'))).toBe('cards.do_activate')
    expect(stepLabel(integ({ kind: 'digital_post', nextStep: 'install_and_activate' }))).toBe('cards.do_install_and_activate')
  })

  it('tone a card by how soon it stops', () => {
    expect(tone(integ())).toBe('ok')
    expect(tone(integ({ state: 'expiring' }))).toBe('warn')
    expect(tone(integ({ state: 'expired' }))).toBe('bad')
    expect(tone(integ({ nextStep: 'fix' }))).toBe('bad')
  })
})
