import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api'
import { entriesOf, fake } from '@/test/api'
import { file } from '@/test/files'
import { freshStores } from '@/test/setup'
import { useCertificatesStore } from './certificates'
import { endedInstall, usePortalStore } from './portal'
import { useUiStore } from './ui'

const signedIn = {
  portal: 'https://portal.example',
  pending: 0,
  needsPassword: 0,
  failed: 0,
  done: 0,
  syncing: false,
  signedIn: true,
  sandbox: false,
  registerUrl: 'https://portal.example/register',
  migrateUrl: 'https://portal.example/migrate',
  organization: 'Testkommune Nord',
  certificatesSyncedAt: '2026-11-26T10:00:00Z',
}

describe('portal store', () => {
  beforeEach(freshStores)

  it('opens the Access Denied and migration screens for those answers', async () => {
    const portal = usePortalStore()
    fake.portal.signIn.mockRejectedValueOnce(new ApiError('not_registered', ''))
    expect(await portal.signIn('https://portal.example', 't', false)).toBe(false)
    expect(portal.screen).toBe('access-denied')
    fake.portal.signIn.mockRejectedValueOnce(new ApiError('migration_required', ''))
    await portal.signIn('https://portal.example', 't', false)
    expect(portal.screen).toBe('migration-required')
    fake.portal.signIn.mockRejectedValueOnce(new ApiError('unauthenticated', ''))
    await expect(portal.signIn('https://portal.example', 't', false)).rejects.toMatchObject({ code: 'unauthenticated' })
  })

  it('installs the selection and keeps each file’s result', async () => {
    const portal = usePortalStore()
    fake.portal.status.mockResolvedValue(signedIn as never)
    await portal.init()
    portal.toggle('/a.p12')
    portal.toggle('/b.p12')
    fake.portal.install.mockResolvedValueOnce([
      { path: '/a.p12', result: 'installed' },
      { path: '/b.p12', result: 'failed', code: 'cvr_mismatch' },
    ] as never)
    await portal.install([...portal.selection])
    expect(portal.installRows).toEqual([
      { path: '/a.p12', result: 'installed', code: undefined, operationId: undefined },
      { path: '/b.p12', result: 'failed', code: 'cvr_mismatch', operationId: undefined },
    ])
    expect([...portal.selection]).toEqual([])
  })

  it('selects rows one by one, all at once, and clears some or all', () => {
    const portal = usePortalStore()
    portal.toggle('/a.p12')
    portal.toggle('/b.p12')
    portal.toggle('/a.p12')
    expect([...portal.selection]).toEqual(['/b.p12'])
    portal.selectAll(['/a.p12', '/b.p12', '/c.p12'])
    expect([...portal.selection].sort()).toEqual(['/a.p12', '/b.p12', '/c.p12'])
    portal.clear(['/a.p12', '/c.p12'])
    expect([...portal.selection]).toEqual(['/b.p12'])
    portal.clear()
    expect(portal.selection.size).toBe(0)
  })

  it('moves an install row on as portal:operation reports its end', async () => {
    const portal = usePortalStore()
    fake.portal.status.mockResolvedValue(signedIn as never)
    await portal.init()
    portal.installRows = [
      { path: '/a.p12', result: 'sending', code: 'password_required' },
      { path: '/b.p12', result: 'sending' },
      { path: '/c.p12', result: 'sending' },
    ]
    const op = { id: 1, kind: 'install', attempts: 1, createdAt: '' }
    fake.emit('portal:operation', { event: 'done', done: 1, total: 3, operation: { ...op, path: '/a.p12', state: 'done', alreadyInstalled: true } })
    fake.emit('portal:operation', { event: 'failed', done: 2, total: 3, operation: { ...op, path: '/b.p12', state: 'failed', errorCode: 'cvr_mismatch' } })
    fake.emit('portal:operation', { event: 'sent', done: 2, total: 3, operation: { ...op, path: '/c.p12', state: 'pending' } })
    expect(portal.installRows.map((r) => [r.result, r.code])).toEqual([
      ['already', undefined],
      ['failed', 'cvr_mismatch'],
      ['sending', undefined],
    ])
  })

  it('maps an ended install operation as Go maps Install’s results', () => {
    const op = { id: 1, kind: 'install' as const, attempts: 1, createdAt: '' }
    expect(endedInstall({ ...op, state: 'done' })).toEqual({ result: 'installed' })
    expect(endedInstall({ ...op, state: 'done', alreadyInstalled: true })).toEqual({ result: 'already' })
    expect(endedInstall({ ...op, state: 'failed', errorCode: 'cvr_mismatch' })).toEqual({ result: 'failed', code: 'cvr_mismatch' })
    expect(endedInstall({ ...op, state: 'failed' })).toEqual({ result: 'failed', code: 'internal' })
    expect(endedInstall({ ...op, state: 'pending' })).toBeNull()
    expect(endedInstall({ ...op, state: 'needs_password' })).toBeNull()
  })

  it('opens the sign-in for an expired session, and closes it after signing in', async () => {
    const portal = usePortalStore()
    const ui = useUiStore()
    expect(portal.handle(new ApiError('unauthenticated', ''))).toBe(true)
    expect(ui.signInOpen).toBe(true)
    expect(portal.handle(new ApiError('cvr_mismatch', ''))).toBe(false)
    fake.portal.signIn.mockResolvedValueOnce(signedIn as never)
    expect(await portal.signIn('https://portal.example', 't', true)).toBe(true)
    expect(ui.signInOpen).toBe(false)
  })

  it('closes the password dialog once no install waits for one', async () => {
    const portal = usePortalStore()
    const ui = useUiStore()
    ui.passwordsOpen = true
    const waiting = { id: 7, kind: 'install', state: 'needs_password', filename: 'a.p12', attempts: 1, createdAt: '' }
    fake.portal.operations.mockResolvedValueOnce([waiting, { ...waiting, id: 8 }] as never)
    await portal.loadOperations()
    fake.portal.operations.mockResolvedValueOnce([{ ...waiting, id: 8 }] as never)
    await portal.supplyPassword(7, 'pw')
    expect(fake.portal.supplyPassword).toHaveBeenLastCalledWith(7, 'pw')
    expect(ui.passwordsOpen).toBe(true)
    fake.portal.operations.mockResolvedValueOnce([{ ...waiting, id: 8, state: 'pending' }] as never)
    await portal.supplyPassword(8, 'pw')
    expect(ui.passwordsOpen).toBe(false)
    fake.portal.supplyPassword.mockRejectedValueOnce(new ApiError('wrong_password', ''))
    await expect(portal.supplyPassword(8, 'x')).rejects.toMatchObject({ code: 'wrong_password' })
  })

  it('fills the usage badges from the overview, by SHA-256', async () => {
    const f = file('/a.p12', 'valid')
    fake.files = [f]
    const sha = f.certificate!.sha256.toLowerCase()
    const entry = entriesOf([f]).certificates[0]
    fake.dpg = [{ ...entry, sha256: sha, inPortal: true, portalId: 'id-1', usages: [{ integrationId: 'int-exo', kind: 'exchange_online', name: 'Exchange Online' }] }]
    const certificates = useCertificatesStore()
    await certificates.load()
    expect(certificates.rows).toHaveLength(1)
    expect(certificates.rows[0]).toMatchObject({ files: ['/a.p12'], inPortal: true, usages: ['exchange_online'] })
  })

  it('moves "Last synced" on when an install’s refresh reports a new sync time', async () => {
    const certificates = useCertificatesStore()
    const portal = usePortalStore()
    await portal.init()
    const list = fake.portal.list.getMockImplementation()!
    fake.portal.list.mockImplementation(async () => ({ ...(await list(0)), syncedAt: '2026-11-26T10:00:00Z' }))
    fake.emit('sync:status', signedIn)
    await vi.waitFor(() => expect(certificates.syncedAt).toBe('2026-11-26T10:00:00Z'))
    fake.portal.list.mockImplementation(async () => ({ ...(await list(0)), syncedAt: '2026-11-26T10:00:40Z' }))
    fake.emit('sync:status', { ...signedIn, done: 1, certificatesSyncedAt: '2026-11-26T10:00:40Z' })
    await vi.waitFor(() => expect(certificates.syncedAt).toBe('2026-11-26T10:00:40Z'))
  })
})
