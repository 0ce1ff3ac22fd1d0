// @vitest-environment jsdom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import type { ListChanges } from '@/api'
import { useCertificatesStore } from '@/stores/certificates'
import { fake, fakeTeam } from '@/test/api'
import { freshScreen, mountOptions } from '@/test/setup'
import ReminderDialog from './ReminderDialog.vue'

/** Types into the team's fields, named by their test id after team-, in this order. */
async function fill(w: VueWrapper, fields: Record<string, string>) {
  for (const [name, value] of Object.entries(fields)) await w.get(`[data-testid=team-${name}]`).setValue(value)
}

/** The dialog in lang, once it has read the settings. */
async function open(lang: 'da' | 'en' = 'en', options = mountOptions()) {
  i18n.global.locale.value = lang
  const w = mount(ReminderDialog, options)
  await flushPromises()
  return w
}

describe('ReminderDialog', () => {
  beforeEach(freshScreen)

  it('shows the setting and turns the reminder off, in Danish', async () => {
    const w = await open('da')
    expect(w.text()).toContain('Mind mig om det')
    expect(w.text()).toContain('inden for 30 dage')
    expect((w.get('[data-testid=remind-daily]').element as HTMLInputElement).checked).toBe(true)
    expect((w.get('[data-testid=remind-at]').element as HTMLInputElement).value).toBe('09:00')

    await w.get('[data-testid=remind-off]').setValue(true)
    expect((w.get('[data-testid=remind-at]').element as HTMLInputElement).disabled).toBe(true)
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setSetting).toHaveBeenCalledWith(false, '09:00')
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('saves another time of day', async () => {
    const w = await open()
    await w.get('[data-testid=remind-at]').setValue('07:45')
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setSetting).toHaveBeenCalledWith(true, '07:45')
  })
})

describe('ReminderDialog: tell the team', () => {
  beforeEach(freshScreen)

  it('configures e-mail and a webhook, and keeps the secrets out of the settings', async () => {
    const w = await open()
    expect(w.text()).toContain('The scheduled check has not run yet.')
    await fill(w, {
      host: 'smtp.kommune.dk',
      user: 'dpg@kommune.dk',
      password: 'hemmeligt',
      from: 'dpgcerts@kommune.dk',
      to: 'it-drift@kommune.dk; Åse <aase@kommune.dk>',
      lang: 'da',
      webhook: 'https://hooks.kommune.test/x?sig=abc',
      format: 'slack',
      'lead-days': '30, 7,0',
    })
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setTeam).toHaveBeenCalledWith({
      settings: {
        email: { smtp: 'smtp://dpg%40kommune.dk@smtp.kommune.dk:587', from: 'dpgcerts@kommune.dk', to: ['it-drift@kommune.dk', 'Åse <aase@kommune.dk>'], lang: 'da' },
        webhook: { format: 'slack', hasUrl: true },
        leadDays: [30, 7, 0],
        digest: false,
        contacts: {},
      },
      password: 'hemmeligt',
      webhookUrl: 'https://hooks.kommune.test/x?sig=abc',
      clearWebhook: false,
    })
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('sends a test message and says where it went, or why not, in Danish', async () => {
    const w = await open('da')
    await fill(w, { host: 'smtp.kommune.dk', security: 'tls', from: 'dpg@kommune.dk', to: 'team@kommune.dk' })
    await w.get('[data-testid=team-test-email]').trigger('click')
    await flushPromises()
    expect(fake.reminders.testTeam).toHaveBeenCalledWith('email', expect.objectContaining({ settings: expect.objectContaining({ email: expect.objectContaining({ smtp: 'smtps://smtp.kommune.dk:465' }) }) }))
    expect(w.get('[data-testid=team-test-email-result]').text()).toBe('Delivered to smtp.kommune.dk.')
    fake.reminders.testTeam.mockResolvedValueOnce({
      ok: false,
      where: 'smtp.kommune.dk',
      text: 'Ikke sendt: Mailserveren afviste beskeden. (554 Relay access denied)',
      error: { code: 'mail_refused', message: '554 Relay access denied' },
    })
    await w.get('[data-testid=team-test-email]').trigger('click')
    await flushPromises()
    const result = w.get('[data-testid=team-test-email-result]')
    expect(result.text()).toContain('Mailserveren afviste beskeden')
    expect(result.classes()).toContain('bad')
    expect(w.text()).toContain('Giv teamet besked')
  })

  it('keeps the focus on "Send a test message" while it sends, so Esc still closes the dialog', async () => {
    const w = await open()
    await fill(w, { host: '127.0.0.1', from: 'dpg@kommune.dk', to: 'team@kommune.dk' })
    let answer = (_: { ok: boolean; where: string; text: string }) => {}
    fake.reminders.testTeam.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)))
    const button = w.get('[data-testid=team-test-email]')
    ;(button.element as HTMLButtonElement).focus()
    await button.trigger('click')
    expect(button.text()).toBe('Sending…')
    expect((button.element as HTMLButtonElement).disabled).toBe(false)
    expect(document.activeElement).toBe(button.element)
    // A second click while it sends sends nothing more.
    await button.trigger('click')
    expect(fake.reminders.testTeam).toHaveBeenCalledTimes(1)
    answer({ ok: false, where: '127.0.0.1', text: 'Not sent: The mail server could not be reached.' })
    await flushPromises()
    expect(w.get('[data-testid=team-test-email-result]').text()).toContain('could not be reached')
    await button.trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('says beside the fields what keeps the e-mail from working, in Danish, and saves nothing until it is fixed', async () => {
    const w = await open('da')
    await w.get('[data-testid=team-host]').setValue('smtp.kommune.dk')
    expect(w.find('[data-testid=team-to-problem]').exists()).toBe(false) // not while typing
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setTeam).not.toHaveBeenCalled()
    expect(w.emitted('close')).toBeUndefined()
    expect(w.get('[data-testid=team-to-problem]').text()).toBe('Angiv teamets adresser, eller ryd mailserveren.')
    expect(w.get('[data-testid=team-from-problem]').text()).toBe('E-mailen skal have en afsender.')
    expect(w.get('[data-testid=team-to]').attributes('aria-invalid')).toBe('true')
    await w.get('[data-testid=team-to]').setValue('it-drift@kommune.dk, dpg-team kommune.dk')
    expect(w.get('[data-testid=team-to-problem]').text()).toBe('Ikke en e-mailadresse: dpg-team kommune.dk')
    await fill(w, { to: 'it-drift@kommune.dk, dpg-team@kommune.dk', from: 'dpgcerts@kommune.dk' })
    expect(w.find('[data-testid=team-to-problem]').exists()).toBe(false)
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setTeam).toHaveBeenCalledTimes(1)
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('takes a contact per integration, named by kind and name without the kind twice', async () => {
    const options = mountOptions()
    useCertificatesStore().list = {
      generation: 1,
      rows: [],
      integrations: [
        { id: 'int-dp', kind: 'digital_post', name: 'Digital Post (NgDP)' },
        { id: 'int-sm', kind: 'secure_mail', name: 'sikkerpost@kommune.dk' },
      ],
    } as unknown as ListChanges
    const w = await open('en', options)
    const labels = w.findAll('[data-testid^=team-contact-]').map((i) => i.element.parentElement!.textContent!.trim())
    expect(labels).toEqual(['Digital Post (NgDP)', 'Secure mail (sikkerpost@kommune.dk)'])
    await w.get('[data-testid=team-contact-int-sm]').setValue('borgerservice@kommune.dk')
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    // Without the team's e-mail no contact would be told: said, not saved.
    expect(w.get('[data-testid=team-contacts-problem]').text()).toBe('Contacts are told by e-mail: set up the e-mail above too.')
    expect(fake.reminders.setTeam).not.toHaveBeenCalled()
    await fill(w, { host: 'smtp.kommune.dk', from: 'dpgcerts@kommune.dk', to: 'it-drift@kommune.dk' })
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setTeam).toHaveBeenCalledWith(
      expect.objectContaining({ settings: expect.objectContaining({ contacts: { 'int-sm': 'borgerservice@kommune.dk' } }) }),
    )
  })

  it('refuses lead times that are not whole days', async () => {
    const w = await open()
    await w.get('[data-testid=team-lead-days]').setValue('30, soon')
    expect(w.text()).toContain('Give the lead times as whole days')
    expect((w.get('[data-testid=remind-save]').element as HTMLButtonElement).disabled).toBe(true)
  })

  it('shows the last run of the scheduled check, and what failed', async () => {
    fake.reminders.team.mockResolvedValueOnce({
      ...fakeTeam(),
      lastRun: { at: '2026-12-01T09:00:00Z', exit: 6, ok: false, sent: 0, errors: [{ channel: 'email', code: 'mail_auth_failed' }] },
      stale: true,
    })
    const w = await open()
    const last = w.get('[data-testid=remind-last-run]')
    expect(last.text()).toContain('ran, but this failed: The mail server did not accept the user name or password.')
    expect(last.classes()).toContain('warn')
  })
})
