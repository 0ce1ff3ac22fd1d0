import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api/call'
import { fake } from '@/test/api'
import { file } from '@/test/files'
import { freshStores } from '@/test/setup'
import { usePasswordStore } from './password'
import { useToastStore } from './toast'

describe('password store', () => {
  beforeEach(freshStores)

  it('asks for each locked file once, in order', () => {
    const store = usePasswordStore()
    store.ask(['/a.p12', '/b.p12'])
    store.ask(['/b.p12', '/c.p12'])
    expect(store.queue).toEqual(['/a.p12', '/b.p12', '/c.p12'])
    expect(store.current).toBe('/a.p12')
    store.next()
    expect(store.current).toBe('/b.p12')
  })

  it('drops the files the password also opened, and says how many', async () => {
    const store = usePasswordStore()
    store.ask(['/a.p12', '/b.p12', '/c.p12', '/d.p12'])
    fake.certificates.unlock.mockResolvedValueOnce({ file: file('/a.p12', 'valid'), remembered: false, others: 3 })
    expect(await store.submit('shared', false)).toBe(true)
    expect(store.trying).toEqual({ done: 0, total: 3 })
    store.tryingProgress({ running: true, done: 2, total: 3, counted: true, path: '/c.p12' })
    expect(store.trying).toEqual({ done: 2, total: 3 })
    fake.files = [file('/a.p12', 'valid'), file('/b.p12', 'valid'), file('/c.p12', 'locked'), file('/d.p12', 'valid')]
    await store.othersDone({ opened: 2, locked: 1, cancelled: false })
    expect(store.trying).toBeNull()
    expect(store.queue).toEqual(['/c.p12'])
    expect(useToastStore().toasts.at(-1)).toMatchObject({ key: 'password.alsoOpened' })
  })

  it('skips every waiting file at once', () => {
    const store = usePasswordStore()
    store.ask(['/a.p12', '/b.p12', '/c.p12'])
    store.skipAll()
    expect(store.current).toBeNull()
  })

  it('asks again after a wrong password, and moves on after the right one', async () => {
    const store = usePasswordStore()
    store.ask(['/a.p12', '/b.p12'])
    fake.certificates.unlock.mockRejectedValueOnce(new ApiError('wrong_password', 'No.'))
    expect(await store.submit('wrong', false)).toBe(false)
    expect(store.wrong).toBe(true)
    expect(store.current).toBe('/a.p12')

    fake.certificates.unlock.mockResolvedValueOnce({ file: file('/a.p12', 'valid'), remembered: true })
    expect(await store.submit('right', true)).toBe(true)
    expect(fake.certificates.unlock).toHaveBeenLastCalledWith('/a.p12', 'right', true)
    expect(store.wrong).toBe(false)
    expect(store.current).toBe('/b.p12')
    expect(fake.portal.list).toHaveBeenCalled()
  })

  it('says so when the keychain could not keep the password', async () => {
    const store = usePasswordStore()
    store.ask(['/a.p12'])
    fake.certificates.unlock.mockResolvedValueOnce({ file: file('/a.p12', 'valid'), remembered: false })
    await store.submit('right', true)
    expect(useToastStore().toasts.map((t) => t.key)).toEqual(['password.notRemembered'])
  })

  it('shows any other error translated and moves on', async () => {
    const store = usePasswordStore()
    store.ask(['/a.p12'])
    fake.certificates.unlock.mockRejectedValueOnce({ code: 'file_not_found', message: 'gone' })
    await store.submit('x', false)
    expect(store.current).toBeNull()
    expect(useToastStore().toasts[0]).toMatchObject({ kind: 'error', key: 'errors.file_not_found' })
  })
})
