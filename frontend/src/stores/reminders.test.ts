import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api'
import { fake } from '@/test/api'
import { file } from '@/test/files'
import { freshStores } from '@/test/setup'
import { useCertificatesStore } from './certificates'
import { useRemindersStore } from './reminders'
import { useToastStore } from './toast'

describe('reminders store', () => {
  beforeEach(freshStores)

  it('loads and saves the setting, and says so', async () => {
    const r = useRemindersStore()
    await r.load()
    expect(r.setting).toEqual({ on: true, at: '09:00', warnDays: 30 })
    expect(await r.save(false, '09:00')).toBe(true)
    expect(fake.reminders.setSetting).toHaveBeenCalledWith(false, '09:00')
    expect(r.setting?.on).toBe(false)
    expect(useToastStore().toasts.at(-1)?.key).toBe('remind.settings.savedOff')
    expect(await r.save(true, '07:30')).toBe(true)
    expect(useToastStore().toasts.at(-1)).toMatchObject({ key: 'remind.settings.savedOn', params: { time: '07:30' } })
  })

  it('keeps the setting when the scheduler refuses it', async () => {
    const r = useRemindersStore()
    await r.load()
    fake.reminders.setSetting.mockRejectedValueOnce(new ApiError('schedule_failed', 'schtasks: access denied'))
    expect(await r.save(true, '08:00')).toBe(false)
    expect(r.setting?.at).toBe('09:00')
    expect(useToastStore().toasts.at(-1)?.key).toBe('errors.schedule_failed')
  })

  it('opens what a clicked reminder is about', async () => {
    fake.files = [file('/certs/exo-2029.p12', 'valid')]
    const certificates = useCertificatesStore()
    await certificates.load()
    const r = useRemindersStore()
    r.init()
    fake.emit('remind:open', { integrationId: 'int-exo', sha256: 'ab', path: '/certs/exo-2029.p12' })
    const key = certificates.rows.find((row) => row.files.includes('/certs/exo-2029.p12'))?.key
    expect(key).toBeTruthy()
    expect(certificates.selectedKey).toBe(key)
    expect(r.target?.integrationId).toBe('int-exo')
    // A certificate with no file here: nothing to select, the target stays known.
    fake.emit('remind:open', { integrationId: 'int-dp', sha256: 'cd' })
    expect(certificates.selectedKey).toBe(key)
    expect(r.target?.integrationId).toBe('int-dp')
    r.dispose()
  })
})
