import { beforeEach, describe, expect, it, vi } from 'vitest'

// The generated bindings are mocked: they only exist after `wails generate module`.
const bindings = vi.hoisted(() => ({
  Version: vi.fn<() => Promise<string>>(),
  Language: vi.fn<() => Promise<string>>(),
  Messages: vi.fn<(lang: string) => Promise<Record<string, string>>>(),
}))
vi.mock('../../wailsjs/go/app/App', () => bindings)

import { app } from './app'
import { ApiError } from './call'

describe('app wrapper', () => {
  beforeEach(() => vi.clearAllMocks())

  it('passes results through', async () => {
    bindings.Version.mockResolvedValue('v1.2.3')
    bindings.Messages.mockResolvedValue({ 'status.valid': 'Gyldig' })
    await expect(app.version()).resolves.toBe('v1.2.3')
    await expect(app.messages('da')).resolves.toEqual({ 'status.valid': 'Gyldig' })
    expect(bindings.Messages).toHaveBeenCalledWith('da')
  })

  it('rejects with an ApiError carrying the code from Go', async () => {
    bindings.Language.mockRejectedValue({ code: 'password_required', message: 'Locked.' })
    const err = await app.language().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'password_required', message: 'Locked.' })
  })

  it('rejects with an internal ApiError for a bare string', async () => {
    bindings.Version.mockRejectedValue('boom')
    await expect(app.version()).rejects.toMatchObject({ name: 'ApiError', code: 'internal', message: 'boom' })
  })
})
