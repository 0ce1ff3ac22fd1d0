import { describe, expect, it } from 'vitest'
import { ApiError, call, codeKey, errorKey, INTERNAL, toApiError } from './call'

describe('toApiError', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['a coded object from Go', { code: 'password_required', message: 'Locked.' }, 'password_required', 'Locked.'],
    ['a coded object without message', { code: 'not_registered' }, 'not_registered', 'not_registered'],
    ['a JSON string with a code', '{"code":"too_large","message":"Too big."}', 'too_large', 'Too big.'],
    ['an Error holding the JSON, as Wails rejects', new Error('{"code":"wrong_password","message":"No."}'), 'wrong_password', 'No.'],
    ['an Error holding an object, as Wails rejects one', new Error('[object Object]'), INTERNAL, '[object Object]'],
    ['a plain string', 'method not found', INTERNAL, 'method not found'],
    ['a broken JSON string', '{"code":', INTERNAL, '{"code":'],
    ['a TypeError outside Wails', new TypeError("Cannot read properties of undefined (reading 'app')"), INTERNAL, "Cannot read properties of undefined (reading 'app')"],
    ['an object with a bad code', { code: 'Not A Code', message: 'x' }, INTERNAL, '{"code":"Not A Code","message":"x"}'],
    ['undefined', undefined, INTERNAL, 'undefined'],
  ]
  it.each(cases)('maps %s', (_name, reason, code, message) => {
    const err = toApiError(reason)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe(code)
    expect(err.message).toBe(message)
  })

  it('keeps an ApiError as it is', () => {
    const err = new ApiError('malformed', 'Damaged.')
    expect(toApiError(err)).toBe(err)
  })
})

describe('call', () => {
  it('passes a result through', async () => {
    await expect(call(() => Promise.resolve(42))).resolves.toBe(42)
  })

  it('turns a rejection into an ApiError with the code', async () => {
    const err = await call(() => Promise.reject({ code: 'key_mismatch', message: 'No match.' })).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('key_mismatch')
  })

  it('catches a synchronous throw, as when the bindings are missing', async () => {
    const err = await call<string>(() => {
      throw new TypeError('window.go is undefined')
    }).catch((e: unknown) => e)
    expect((err as ApiError).code).toBe(INTERNAL)
  })
})

describe('errorKey', () => {
  const known = (key: string) => key === 'errors.locked_out' || key === 'errors.internal'
  it('names the translation of a known code', () => {
    expect(errorKey(new ApiError('locked_out', ''), known)).toBe('errors.locked_out')
  })
  it('falls back to errors.internal for an unknown code', () => {
    expect(errorKey({ code: 'brand_new', message: '' }, known)).toBe('errors.internal')
  })
  it('does the same for a bare code, as an install result carries', () => {
    expect(codeKey('locked_out', known)).toBe('errors.locked_out')
    expect(codeKey('brand_new', known)).toBe('errors.internal')
    expect(codeKey('', known)).toBe('errors.internal')
    expect(codeKey('locked_out.x', () => true)).toBe('errors.internal') // not a code: no other message id
  })
})
