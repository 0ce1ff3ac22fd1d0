// The error texts: every code the frontend acts on has one in both
// languages, and a code without one shows errors.internal. (Go's list of
// codes, backend/errs, has its own test against the same locale files.)
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { codeMessageId, errorMessageId } from './errors'
import { i18n, LANGS } from './index'

const src = fileURLToPath(new URL('..', import.meta.url))
const sources = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
  (f) => /\.(ts|vue)$/.test(f) && !f.endsWith('.test.ts') && !f.startsWith('test/'),
)

/** The codes the frontend's code compares errors with, as in `code === 'precondition_failed'`. */
function handledCodes(): string[] {
  const codes = new Set<string>()
  for (const f of sources) {
    const text = readFileSync(src + f, 'utf8')
    for (const m of text.matchAll(/\bcode\s*[!=]==\s*'([a-z][a-z0-9_]*)'/g)) codes.add(m[1])
  }
  codes.delete('string') // typeof code === 'string'
  return [...codes].sort()
}

describe('error texts', () => {
  it('finds the codes the frontend handles', () => {
    expect(handledCodes()).toEqual(expect.arrayContaining(['precondition_failed', 'password_required', 'wrong_password', 'not_registered']))
  })

  it.each(LANGS)('has a text for each of them, and for internal, in %s', (lang) => {
    const missing = [...handledCodes(), 'internal'].filter((code) => !i18n.global.te(`errors.${code}`, lang))
    expect(missing, `codes with no errors.<code> in locales/${lang}.json`).toEqual([])
  })

  it('shows errors.<code>, or errors.internal for a code with no text', () => {
    expect(errorMessageId({ code: 'wrong_password', message: 'x' })).toBe('errors.wrong_password')
    expect(errorMessageId(new Error('{"code":"cvr_mismatch","message":"x"}'))).toBe('errors.cvr_mismatch')
    expect(errorMessageId({ code: 'brand_new', message: 'x' })).toBe('errors.internal')
    expect(errorMessageId('boom')).toBe('errors.internal')
    expect(codeMessageId('cvr_mismatch')).toBe('errors.cvr_mismatch')
    expect(codeMessageId('brand_new')).toBe('errors.internal')
    expect(codeMessageId('')).toBe('errors.internal')
  })
})
