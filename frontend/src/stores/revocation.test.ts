import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { fake } from '@/test/api'
import { file } from '@/test/files'
import { freshStores } from '@/test/setup'
import { useCertificatesStore } from './certificates'
import { useRevocationStore } from './revocation'
import { useToastStore } from './toast'

describe('revocation store', () => {
  beforeEach(freshStores)

  it('follows the background check and reloads the overview when it is done', async () => {
    const rev = useRevocationStore()
    rev.init()
    expect(rev.running).toBe(false)
    fake.emit('revocation:progress', { run: 1, done: 0, total: 40 })
    expect([rev.running, rev.done, rev.total]).toEqual([true, 0, 40])
    fake.emit('revocation:progress', { run: 1, done: 12, total: 40 })
    expect([rev.done, rev.total]).toEqual([12, 40])

    fake.files = [file('/f/a.p12', 'revoked')]
    fake.emit('revocation:done', { run: 1, checked: 40, cancelled: false })
    await vi.waitFor(() => expect(useCertificatesStore().rows.map((r) => r.status)).toEqual(['revoked']))
    expect(rev.running).toBe(false)
    expect(useToastStore().toasts).toHaveLength(0)
  })

  it('cancels through CancelScan and says so', async () => {
    const rev = useRevocationStore()
    rev.init()
    fake.emit('revocation:progress', { run: 1, done: 3, total: 40 })
    await rev.cancel()
    expect(fake.certificates.cancelScan).toHaveBeenCalled()
    expect(rev.cancelling).toBe(true)
    fake.emit('revocation:progress', { run: 1, done: 4, total: 40 })
    expect(rev.done).toBe(3) // no more counting once cancelling
    fake.emit('revocation:done', { run: 1, checked: 40, cancelled: true })
    await vi.waitFor(() => expect(useToastStore().toasts.map((t) => t.key)).toEqual(['revocation.cancelled']))
    expect([rev.running, rev.cancelling]).toEqual([false, false])
    expect(fake.portal.list).toHaveBeenCalled()
  })

  it('shows a failed cancel as an error and lets it be pressed again', async () => {
    fake.certificates.cancelScan.mockRejectedValueOnce({ code: 'internal', message: 'x' })
    const rev = useRevocationStore()
    rev.init()
    fake.emit('revocation:progress', { run: 1, done: 1, total: 2 })
    await rev.cancel()
    expect(rev.cancelling).toBe(false)
    expect(useToastStore().toasts[0]).toMatchObject({ kind: 'error' })
  })

  it('ignores progress that arrives after its check ended, and follows the next check', async () => {
    const rev = useRevocationStore()
    rev.init()
    fake.emit('revocation:progress', { run: 1, done: 0, total: 2 })
    fake.emit('revocation:done', { run: 1, checked: 2, cancelled: false })
    fake.emit('revocation:progress', { run: 1, done: 2, total: 2 }) // late
    await vi.waitFor(() => expect(fake.portal.list).toHaveBeenCalled())
    expect(rev.running).toBe(false)
    fake.emit('revocation:progress', { run: 2, done: 0, total: 5 })
    expect([rev.running, rev.done, rev.total]).toEqual([true, 0, 5])
  })

  it('stops listening on dispose', () => {
    const rev = useRevocationStore()
    rev.init()
    rev.dispose()
    fake.emit('revocation:progress', { run: 1, done: 1, total: 2 })
    expect(rev.running).toBe(false)
  })
})
