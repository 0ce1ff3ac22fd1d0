import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api'
import { fake } from '@/test/api'
import { file } from '@/test/files'
import { useCertificatesStore } from './certificates'
import { usePortalStore } from './portal'

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
  beforeEach(() => {
    setActivePinia(createPinia())
    fake.reset()
  })

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
    expect(portal.selection).toEqual([])
  })

  it('fills the usage badges by SHA-256', async () => {
    const f = file('/a.p12', 'valid')
    fake.files = [f]
    fake.portal.usages.mockResolvedValue({ [f.certificate!.sha256.toLowerCase()]: ['exchange_online'] } as never)
    const certificates = useCertificatesStore()
    await certificates.load()
    expect(certificates.files[0].usage).toEqual(['exchange_online'])
  })
})
