import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { fake } from '@/test/api'
import { file } from '@/test/files'
import { freshStores } from '@/test/setup'
import { useCertificatesStore } from './certificates'
import { usePasswordStore } from './password'
import { useScanStore } from './scan'
import { useToastStore } from './toast'

describe('scan store', () => {
  beforeEach(freshStores)

  it('follows the scan events and reloads the overview when done', async () => {
    const scan = useScanStore()
    await scan.init()
    fake.emit('scan:started', { running: true, done: 0, total: 0, path: '' })
    expect(scan.running).toBe(true)
    fake.emit('scan:progress', { running: true, done: 3, total: 10, path: '/f/c.p12' })
    expect([scan.done, scan.total, scan.path]).toEqual([3, 10, '/f/c.p12'])

    fake.files = [file('/f/a.p12', 'valid'), file('/f/b.p12', 'locked')]
    fake.emit('scan:done', { requested: true, files: 2, cancelled: false, locked: ['/f/b.p12'] })
    await vi.waitFor(() => expect(useCertificatesStore().rows).toHaveLength(2))
    expect(scan.running).toBe(false)
    expect(usePasswordStore().queue).toEqual(['/f/b.p12'])
    expect(useToastStore().toasts[0]).toMatchObject({ key: 'scan.read', params: { n: 2 } })
  })

  it('ignores a progress event that arrives after the scan ended, until the next scan starts', async () => {
    const scan = useScanStore()
    await scan.init()
    fake.emit('scan:started', { running: true, done: 0, total: 0, path: '' })
    fake.emit('scan:done', { requested: false, files: 3, cancelled: false, locked: [] })
    fake.emit('scan:progress', { running: true, done: 3, total: 3, path: '/f/c.p12' })
    expect(scan.running).toBe(false)
    fake.emit('scan:started', { running: true, done: 0, total: 0, path: '' })
    fake.emit('scan:progress', { running: true, done: 1, total: 3, path: '/f/a.p12' })
    expect([scan.running, scan.done]).toEqual([true, 1])
  })

  it('stays quiet after the rescan at start', async () => {
    const scan = useScanStore()
    await scan.init()
    fake.emit('scan:done', { requested: false, files: 40, cancelled: false, locked: [] })
    await vi.waitFor(() => expect(fake.portal.list).toHaveBeenCalled())
    expect(useToastStore().toasts).toHaveLength(0)
  })

  it('picks up a scan that was already running', async () => {
    fake.certificates.scanState.mockResolvedValueOnce({ running: true, done: 5, total: 50, counted: false, path: '/x' })
    const scan = useScanStore()
    await scan.init()
    expect([scan.running, scan.done, scan.total]).toEqual([true, 5, 50])
  })

  it('cancels, and says the files read so far are kept', async () => {
    const scan = useScanStore()
    await scan.init()
    fake.emit('scan:progress', { running: true, done: 1, total: 9, path: '' })
    await scan.cancel()
    expect(fake.certificates.cancelScan).toHaveBeenCalled()
    fake.emit('scan:progress', { running: true, done: 2, total: 9, path: '' })
    expect(scan.done).toBe(1) // no more progress once cancelling
    fake.emit('scan:done', { requested: true, files: 0, cancelled: true, locked: null })
    await vi.waitFor(() => expect(useToastStore().toasts.map((t) => t.key)).toEqual(['scan.cancelled']))
    expect(scan.running).toBe(false)
    expect(scan.cancelling).toBe(false)
  })

  it('shows a failed call as a translated error', async () => {
    fake.certificates.scanFolder.mockRejectedValueOnce({ code: 'permission_denied', message: 'no' })
    await useScanStore().scanFolder()
    expect(useToastStore().toasts[0]).toMatchObject({ kind: 'error', key: 'errors.permission_denied', guide: 'attention' })
  })
})
