// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { fake } from '@/test/api'
import ReminderDialog from './ReminderDialog.vue'

function setup() {
  const pinia = createPinia()
  setActivePinia(pinia)
  return { global: { plugins: [pinia, i18n] }, attachTo: document.body }
}

describe('ReminderDialog', () => {
  beforeEach(() => {
    fake.reset()
    document.body.innerHTML = ''
  })

  it('shows the setting and turns the reminder off, in Danish', async () => {
    i18n.global.locale.value = 'da'
    const w = mount(ReminderDialog, setup())
    await flushPromises()
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
    i18n.global.locale.value = 'en'
    const w = mount(ReminderDialog, setup())
    await flushPromises()
    await w.get('[data-testid=remind-at]').setValue('07:45')
    await w.get('[data-testid=remind-save]').trigger('click')
    await flushPromises()
    expect(fake.reminders.setSetting).toHaveBeenCalledWith(true, '07:45')
  })
})
