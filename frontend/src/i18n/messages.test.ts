import { describe, expect, it } from 'vitest'
import { i18n, LANGS, messages } from './index'

function flatten(tree: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(tree)) {
    const id = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out[id] = v
    else Object.assign(out, flatten(v as object, id))
  }
  return out
}

describe('locales', () => {
  it('have the same keys in every language', () => {
    const [first, ...rest] = LANGS
    const keys = Object.keys(flatten(messages[first])).sort()
    for (const lang of rest) expect(Object.keys(flatten(messages[lang])).sort()).toEqual(keys)
  })

  // vue-i18n reads @, |, { and } as syntax; a message must render as written
  // (placeholders aside) or it shows garbage on screen.
  it.each(LANGS)('render unchanged through vue-i18n (%s)', (lang) => {
    for (const [id, text] of Object.entries(flatten(messages[lang]))) {
      if (text.includes('{')) continue
      expect(i18n.global.t(id, {}, { locale: lang }), id).toBe(text)
    }
  })
})

describe('plural forms', () => {
  it.each(LANGS)('pick the form by count (%s)', (lang) => {
    const t = (n: number) => i18n.global.t('list.nFiles', { n }, { locale: lang, plural: n })
    expect(t(1)).toBe(lang === 'da' ? '1 fil' : '1 file')
    expect(t(0)).toBe(lang === 'da' ? '0 filer' : '0 files')
    expect(t(4)).toBe(lang === 'da' ? '4 filer' : '4 files')
  })

  it('fill {count} too, as Go does', () => {
    expect(i18n.global.t('remind.more', 3)).toBe('…and 3 more.')
    expect(i18n.global.t('remind.more', 1)).toBe('…and 1 more.')
  })
})
