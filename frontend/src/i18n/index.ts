import { createI18n } from 'vue-i18n'
import da from '@locales/da.json'
import en from '@locales/en.json'

/** The languages there are translations for, in the toggle's order. */
export const LANGS = ['da', 'en'] as const
export type Lang = (typeof LANGS)[number]
export const DEFAULT_LANG: Lang = 'en'

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value)
}

// Plural forms: one convention for Go and the window. A count message is
// go-i18n's plural object in locales/<lang>.json, its CLDR categories as keys:
//   "files": { "one": "1 file", "other": "{n} files" }
// Go reads it as it is (i18n.Plural, which fills {count}); here it becomes
// vue-i18n's "1 file | {n} files" before vue-i18n sees it, and a component
// asks for it with the count as the plural argument: t(id, { n }, count).
// Danish and English have only "one" and "other", which is vue-i18n's
// default choice for two forms (1 picks the first, 0 and >1 the second).
// backend/i18n's TestCountMessagesArePlural fails on a count message without.

/** The CLDR plural categories, in vue-i18n's choice order. */
const PLURAL_CATEGORIES = ['zero', 'one', 'two', 'few', 'many', 'other'] as const

type Tree = { [key: string]: string | Tree }

/** isPlural tells a plural object ({"one": …, "other": …}) from a section. */
export function isPlural(node: Tree): boolean {
  const keys = Object.keys(node)
  return (
    'other' in node &&
    keys.every((k) => (PLURAL_CATEGORIES as readonly string[]).includes(k) && typeof node[k] === 'string')
  )
}

/** toVueI18n turns the plural objects of a locale tree into vue-i18n's "a | b". */
export function toVueI18n(tree: Tree): Tree {
  const out: Tree = {}
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') out[k] = v
    else if (isPlural(v))
      out[k] = PLURAL_CATEGORIES.filter((c) => c in v)
        .map((c) => v[c])
        .join(' | ')
    else out[k] = toVueI18n(v)
  }
  return out
}

export type MessageSchema = Tree

export const messages: Record<Lang, MessageSchema> = { en: toVueI18n(en as Tree), da: toVueI18n(da as Tree) }

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LANG,
  fallbackLocale: DEFAULT_LANG,
  messages,
})

/**
 * The plural count of a message's parameters: its number n (or count). A
 * component that shows a { key, params } message passes it as t's plural
 * argument, t(key, params, pluralOf(params)); a message without plural forms
 * ignores it.
 */
export function pluralOf(params?: Record<string, unknown>): number {
  const n = params?.n ?? params?.count
  return typeof n === 'number' ? n : 1
}
