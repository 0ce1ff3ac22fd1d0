// Pure helpers of the integration cards: the state in words and the
// button of the next step, as message ids with their parameters, so that
// the component only translates and the tests need no window.
import type { NextStep, OverviewIntegration } from '@/api/types'

export interface Message {
  key: string
  params?: Record<string, unknown>
}

/** How the integration stands, in words: "Expires in 12 days". */
export function stateMessage(i: OverviewIntegration): Message {
  const n = i.certificate?.daysLeft ?? 0
  switch (i.state) {
    case 'expiring':
      if (n <= 0) return { key: 'cards.state_expiring_today' }
      return { key: 'cards.state_expiring_days', params: { n } }
    case 'expired':
      if (n >= 0) return { key: 'cards.state_expired_today' }
      return { key: 'cards.state_expired_days', params: { n: -n } }
    case 'no_certificate':
      return { key: 'cards.state_no_certificate' }
  }
  return { key: 'cards.state_ok' }
}

/** Why the next step is what it is; null when there is nothing to do. */
export function whyMessage(i: OverviewIntegration): Message | null {
  return i.nextStep === 'none' ? null : { key: `cards.why_${i.nextStep}` }
}

/** The label of the card's button, by next step; null for none. */
export const STEP_LABEL: Record<NextStep, string | null> = {
  none: null,
  activate: 'cards.do_activate',
  install_and_activate: 'cards.do_install_and_activate',
  register_entra: 'cards.do_register_entra',
  renew: 'cards.do_renew',
  wait: 'cards.do_wait',
  fix: 'cards.do_fix',
}

/**
 * The card's button: Exchange Online's renewal on this PC starts with the
 * first of its three steps, the install in DPG (then Entra, then activate).
 */
export function stepLabel(i: OverviewIntegration): string | null {
  if (i.kind === 'exchange_online' && i.nextStep === 'install_and_activate') return 'cards.do_install_dpg'
  return STEP_LABEL[i.nextStep]
}

/** The card's tone: bad when it stops or has stopped, warn when it will, ok otherwise. */
export function tone(i: OverviewIntegration): 'ok' | 'warn' | 'bad' {
  if (i.state === 'expired' || i.state === 'no_certificate' || i.nextStep === 'fix') return 'bad'
  if (i.state === 'expiring') return 'warn'
  return 'ok'
}
