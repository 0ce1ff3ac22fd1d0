import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api'
import { usePortalStore } from '@/stores/portal'
import { useToastStore } from '@/stores/toast'
import { useUiStore } from '@/stores/ui'
import { fake } from '@/test/api'
import { freshStores } from '@/test/setup'
import { useActivation } from './useActivation'

const facts = (name: string, sha: string) => ({ commonName: name, notAfter: '2029-11-24T10:00:00Z', sha1: sha.repeat(40), sha256: sha.repeat(64) })
const plan = (kind: string, version: string, old: string) => ({
  integration: { id: `int-${kind}`, kind, name: kind, version, activeCertificateId: 'c1', activatedAt: null, activatedBy: null },
  old: facts(old, 'a'),
  new: facts('new@x.dk', 'b'),
  needsInstall: false,
  path: '/new.p12',
  needsEntra: false,
})
const outcome = (result: string, code?: string) => ({ result, code, integration: plan('exchange_online', 'v1', 'old@x.dk').integration, new: facts('new@x.dk', 'b') })

describe('useActivation', () => {
  let closed: number
  const start = () => useActivation('/new.p12', (k) => `<${k}>`, () => closed++)

  /** Digital Post's activation, after its first try; DPG answers the activations in turn (an error is thrown). */
  async function activateDigitalPost(...answers: Array<ReturnType<typeof outcome> | Error>) {
    fake.portal.prepareActivation.mockResolvedValue(plan('digital_post', 'v1', 'old@x.dk') as never)
    for (const answer of answers) {
      if (answer instanceof Error) fake.portal.activate.mockRejectedValueOnce(answer)
      else fake.portal.activate.mockResolvedValueOnce(answer as never)
    }
    const a = start()
    await a.start('int-digital_post')
    await a.activate()
    return a
  }

  /** Exchange Online's renewal, after the install step, which DPG answered with result. */
  async function installed(result: { result: string; operationId: number }) {
    fake.portal.prepareActivation.mockResolvedValue({ ...plan('exchange_online', 'v1', 'old@x.dk'), needsInstall: true, needsEntra: true } as never)
    fake.portal.install.mockResolvedValueOnce([{ path: '/new.p12', ...result }] as never)
    const a = start()
    await a.start('int-exchange_online')
    await a.install()
    return a
  }

  beforeEach(() => {
    freshStores()
    closed = 0
  })

  it('lists the integrations, then plans the one picked', async () => {
    fake.portal.integrations.mockResolvedValueOnce([plan('digital_post', 'v1', 'old@x.dk').integration] as never)
    fake.portal.prepareActivation.mockResolvedValueOnce(plan('digital_post', 'v1', 'old@x.dk') as never)
    const a = start()
    await a.start()
    expect(fake.portal.integrations).toHaveBeenCalledWith(true)
    expect(a.step.value).toBe('pick')
    expect(a.integrations.value).toHaveLength(1)
    await a.choose('int-digital_post')
    expect(fake.portal.prepareActivation).toHaveBeenCalledWith('int-digital_post', { path: '/new.p12' })
    expect(a.step.value).toBe('confirm')
  })

  it('reloads after a 412 and asks again with the new version (Entra confirmed), then closes', async () => {
    fake.portal.prepareActivation
      .mockResolvedValueOnce(plan('exchange_online', 'v1', 'old@x.dk') as never)
      .mockResolvedValueOnce(plan('exchange_online', 'v2', 'other@x.dk') as never)
    fake.portal.activate.mockResolvedValueOnce(outcome('failed', 'precondition_failed') as never).mockResolvedValueOnce(outcome('activated') as never)
    const a = start()
    await a.start('int-exchange_online')
    expect(a.step.value).toBe('confirm')

    await a.activate()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exchange_online', { path: '/new.p12' }, 'v1', false)
    expect(a.changed.value).toBe(true)
    expect(a.plan.value?.old?.commonName).toBe('other@x.dk')
    expect(a.step.value).toBe('confirm')
    expect(a.error.value).toBeNull()

    await a.activate()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exchange_online', { path: '/new.p12' }, 'v2', false)
    expect(a.changed.value).toBe(false)
    expect(closed).toBe(1)
    expect(useToastStore().toasts.map((t) => [t.key, t.params])).toEqual([
      ['portal.activated', { integration: '<exchange_online>', name: 'new@x.dk' }],
    ])
    await a.exportCer()
    expect(fake.portal.exportCer).toHaveBeenCalledWith({ path: '/new.p12' })
  })

  it('closes after another integration, and says so when the activation waits for the sync', async () => {
    const a = await activateDigitalPost(outcome('activated'), outcome('pending'))
    expect(closed).toBe(1)
    await a.start('int-digital_post')
    await a.activate()
    expect(closed).toBe(2)
    expect(useToastStore().toasts.map((t) => t.key)).toEqual(['portal.activated', 'portal.activationQueued'])
  })

  it('asks for the new file’s password first, and hands account errors to the portal', async () => {
    const a = await activateDigitalPost(outcome('needs_password', 'password_required'), new ApiError('not_registered', ''))
    expect(useUiStore().passwordsOpen).toBe(true)
    expect(closed).toBe(1)
    await a.activate()
    expect(usePortalStore().screen).toBe('access-denied')
    expect(closed).toBe(2)
  })

  it('shows any other error in the dialog as errors.<code>, unknown codes as errors.internal', async () => {
    const a = await activateDigitalPost(outcome('failed', 'cvr_mismatch'), new ApiError('brand_new', ''))
    expect(a.error.value).toBe('errors.cvr_mismatch')
    await a.activate()
    expect(a.error.value).toBe('errors.internal')
    expect(closed).toBe(0)
    expect(a.busy.value).toBe(false)
  })

  it('activates a certificate in DPG by its SHA-256, with If-Match, and exports its .cer from DPG', async () => {
    const sha = 'b'.repeat(64)
    fake.portal.prepareActivation
      .mockResolvedValueOnce({ ...plan('exchange_online', 'v1', 'old@x.dk'), path: '' } as never)
      .mockResolvedValueOnce({ ...plan('exchange_online', 'v2', 'other@x.dk'), path: '' } as never)
    fake.portal.activate.mockResolvedValueOnce(outcome('failed', 'precondition_failed') as never).mockResolvedValueOnce(outcome('activated') as never)
    const a = useActivation({ sha256: sha }, (k) => k, () => closed++)
    await a.start('int-exchange_online')
    expect(fake.portal.prepareActivation).toHaveBeenCalledWith('int-exchange_online', { sha256: sha })
    await a.activate()
    expect(a.changed.value).toBe(true)
    await a.activate()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exchange_online', { sha256: sha }, 'v2', false)
    expect(closed).toBe(1)
    await a.exportCer()
    expect(fake.portal.exportCer).toHaveBeenCalledWith({ sha256: sha })
  })

  it('Exchange Online: installs in DPG, then takes the thumbprint Entra shows (refusing another), then confirms', async () => {
    const exo = plan('exchange_online', 'v1', 'old@x.dk')
    fake.portal.prepareActivation
      .mockResolvedValueOnce({ ...exo, needsInstall: true, needsEntra: true } as never)
      .mockResolvedValueOnce({ ...exo, needsEntra: true } as never)
      .mockResolvedValueOnce(exo as never)
    fake.portal.install.mockResolvedValueOnce([{ path: '/new.p12', result: 'installed' }] as never)
    fake.portal.checkEntra
      .mockResolvedValueOnce({ matched: false, code: 'entra_thumbprint_mismatch', known: exo.old } as never)
      .mockResolvedValueOnce({ matched: false, code: 'invalid_thumbprint' } as never)
      .mockResolvedValueOnce({ matched: true } as never)
    fake.portal.activate.mockResolvedValueOnce(outcome('activated') as never)
    const a = start()
    await a.start('int-exchange_online')
    expect(a.step.value).toBe('install')
    await a.install()
    expect(fake.portal.install).toHaveBeenCalledWith(['/new.p12'])
    expect(a.step.value).toBe('entra')

    await a.confirmEntra('A'.repeat(40))
    expect(fake.portal.checkEntra).toHaveBeenLastCalledWith({ path: '/new.p12' }, 'A'.repeat(40))
    expect(a.entraRefused.value).toEqual({ key: 'entra.mismatchKnown', known: exo.old })
    expect(a.step.value).toBe('entra')
    await a.confirmEntra('garbage')
    expect(a.entraRefused.value).toEqual({ key: 'errors.invalid_thumbprint' })
    expect(fake.portal.activate).not.toHaveBeenCalled()

    await a.confirmEntra('B'.repeat(40))
    expect(a.entraRefused.value).toBeNull()
    expect(a.step.value).toBe('confirm')
    await a.activate()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exchange_online', { path: '/new.p12' }, 'v1', false)
    expect(closed).toBe(1)
  })

  it('Exchange Online: the escape hatch activates without the Entra check', async () => {
    const exo = plan('exchange_online', 'v1', 'old@x.dk')
    fake.portal.prepareActivation.mockResolvedValue({ ...exo, needsEntra: true } as never)
    fake.portal.activate.mockResolvedValueOnce(outcome('activated') as never)
    const a = start()
    await a.start('int-exchange_online')
    expect(a.step.value).toBe('entra')
    a.skipEntraCheck()
    expect(a.step.value).toBe('confirm')
    await a.activate()
    expect(fake.portal.activate).toHaveBeenLastCalledWith('int-exchange_online', { path: '/new.p12' }, 'v1', true)
    expect(closed).toBe(1)
  })

  it('Exchange Online: an install that waits for its password opens the password dialog', async () => {
    await installed({ result: 'needs_password', operationId: 4 })
    expect(useUiStore().passwordsOpen).toBe(true)
    expect(closed).toBe(1)
  })

  it('Exchange Online: an install DPG has not answered yet says so, stays at the install step, and is no failure', async () => {
    const a = await installed({ result: 'pending', operationId: 5 })
    expect(a.notice.value).toBe('entra.installPending')
    expect(a.error.value).toBeNull()
    expect(a.step.value).toBe('install')
    expect(closed).toBe(0)
    expect(fake.portal.activate).not.toHaveBeenCalled()
  })
})
