import { beforeEach, describe, expect, it, vi } from 'vitest'

// The generated bindings are mocked: they only exist after `wails generate module`.
const certs = vi.hoisted(() => ({
  Details: vi.fn(),
  Unlock: vi.fn(),
  ExportCSV: vi.fn(),
}))
const help = vi.hoisted(() => ({ Guides: vi.fn(), Guide: vi.fn() }))
vi.mock('../../wailsjs/go/app/Certificates', () => certs)
vi.mock('../../wailsjs/go/app/Help', () => help)

import { ApiError } from './call'
import { certificates } from './certificates'
import { help as helpApi } from './help'

describe('certificates and help wrappers', () => {
  beforeEach(() => vi.clearAllMocks())

  it('pass arguments and results through', async () => {
    certs.Details.mockResolvedValue({ path: '/a.p12', status: 'valid' })
    certs.ExportCSV.mockResolvedValue('/tmp/a.csv')
    help.Guide.mockResolvedValue('# Hi')
    await expect(certificates.details('/a.p12')).resolves.toMatchObject({ status: 'valid' })
    expect(certs.Details).toHaveBeenCalledWith('/a.p12')
    await expect(certificates.exportCsv('da')).resolves.toBe('/tmp/a.csv')
    expect(certs.ExportCSV).toHaveBeenCalledWith('da')
    await expect(helpApi.guide('da', 'attention')).resolves.toBe('# Hi')
    expect(help.Guide).toHaveBeenCalledWith('da', 'attention')
  })

  it('turn the error Wails rejects with into an ApiError with the code', async () => {
    certs.Unlock.mockRejectedValue(new Error('{"code":"wrong_password","message":"No."}'))
    const err = await certificates.unlock('/a.p12', 'x', true).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ code: 'wrong_password' })
    expect(certs.Unlock).toHaveBeenCalledWith('/a.p12', 'x', true)
  })
})
