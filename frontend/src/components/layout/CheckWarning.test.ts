// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { useRemindersStore } from '@/stores/reminders'
import { fake, fakeTeam } from '@/test/api'
import CheckWarning from './CheckWarning.vue'

function mountIt() {
  const pinia = createPinia()
  setActivePinia(pinia)
  return mount(CheckWarning, { global: { plugins: [pinia, i18n] } })
}

describe('CheckWarning', () => {
  beforeEach(() => fake.reset())

  it('says nothing while the check runs fine, or never ran', async () => {
    const w = mountIt()
    await useRemindersStore().loadTeam()
    await flushPromises()
    expect(w.find('[data-testid=check-warning]').exists()).toBe(false)
  })

  it('warns when the daily check has not run for two days, in both languages, and opens Reminders', async () => {
    fake.reminders.team.mockResolvedValue({ ...fakeTeam(), lastRun: { at: '2026-12-01T09:00:00Z', exit: 0, ok: true, sent: 1 }, stale: true })
    i18n.global.locale.value = 'en'
    const w = mountIt()
    const reminders = useRemindersStore()
    await reminders.loadTeam()
    await flushPromises()
    expect(w.get('[data-testid=check-warning]').text()).toContain('The daily check has not run since')
    i18n.global.locale.value = 'da'
    await flushPromises()
    expect(w.get('[data-testid=check-warning]').text()).toContain('Den daglige kontrol har ikke kørt siden')
    await w.get('[data-testid=check-warning] button').trigger('click')
    expect(reminders.open).toBe(true)
  })

  it('says nothing when the daily check is turned off', async () => {
    fake.reminders.team.mockResolvedValue({ ...fakeTeam(), lastRun: { at: '2026-11-01T09:00:00Z', exit: 0, ok: true, sent: 0 }, stale: true })
    fake.reminders.setting.mockResolvedValueOnce({ on: false, at: '09:00', warnDays: 30 })
    const w = mountIt()
    const reminders = useRemindersStore()
    await Promise.all([reminders.load(), reminders.loadTeam()])
    await flushPromises()
    expect(w.find('[data-testid=check-warning]').exists()).toBe(false)
  })

  it('notices, in a window left open, that the check stopped running: coming back to the window reads the last run again', async () => {
    i18n.global.locale.value = 'en'
    fake.reminders.team.mockClear().mockResolvedValue(fakeTeam())
    const w = mountIt()
    const reminders = useRemindersStore()
    reminders.init()
    await flushPromises()
    expect(w.find('[data-testid=check-warning]').exists()).toBe(false)
    expect(fake.reminders.team).toHaveBeenCalledTimes(1)
    fake.reminders.team.mockResolvedValue({ ...fakeTeam(), lastRun: { at: '2026-12-01T09:00:00Z', exit: 0, ok: true, sent: 0 }, stale: true })
    // Right away: not read again.
    window.dispatchEvent(new Event('focus'))
    await flushPromises()
    expect(fake.reminders.team).toHaveBeenCalledTimes(1)
    // Later (the window was left open): read again, and the warning shows.
    const now = Date.now()
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now + 2 * 24 * 3600 * 1000)
    try {
      document.dispatchEvent(new Event('visibilitychange'))
      await flushPromises()
      expect(fake.reminders.team).toHaveBeenCalledTimes(2)
      expect(w.get('[data-testid=check-warning]').text()).toContain('The daily check has not run since')
    } finally {
      clock.mockRestore()
      reminders.dispose()
    }
    window.dispatchEvent(new Event('focus'))
    expect(fake.reminders.team).toHaveBeenCalledTimes(2)
  })

  it('warns when the daily check never ran in the two days since it was turned on, in both languages', async () => {
    fake.reminders.team.mockResolvedValue({ ...fakeTeam(), lastRun: null, onSince: '2026-12-01T08:00:00Z', stale: true })
    i18n.global.locale.value = 'en'
    const w = mountIt()
    await useRemindersStore().loadTeam()
    await flushPromises()
    expect(w.get('[data-testid=check-warning]').text()).toContain('The daily check has not run since it was turned on, ')
    i18n.global.locale.value = 'da'
    await flushPromises()
    expect(w.get('[data-testid=check-warning]').text()).toContain('Den daglige kontrol har ikke kørt, siden den blev slået til ')
    // Not two days yet: quiet.
    fake.reminders.team.mockResolvedValue({ ...fakeTeam(), lastRun: null, onSince: '2026-12-05T08:00:00Z', stale: false })
    await useRemindersStore().loadTeam()
    await flushPromises()
    expect(w.find('[data-testid=check-warning]').exists()).toBe(false)
    i18n.global.locale.value = 'en'
  })

  it('says what failed', async () => {
    fake.reminders.team.mockResolvedValue({
      ...fakeTeam(),
      lastRun: { at: '2026-12-05T09:00:00Z', exit: 6, ok: false, sent: 0, errors: [{ channel: 'webhook', code: 'webhook_refused' }] },
      stale: true,
    })
    i18n.global.locale.value = 'en'
    const w = mountIt()
    await useRemindersStore().loadTeam()
    await flushPromises()
    expect(w.get('[data-testid=check-warning]').text()).toContain('The daily check failed on')
    expect(w.text()).toContain('The webhook refused the message.')
  })
})
