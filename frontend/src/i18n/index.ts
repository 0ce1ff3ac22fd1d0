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

export type MessageSchema = typeof en

export const messages: Record<Lang, MessageSchema> = { en, da }

export const i18n = createI18n({
  legacy: false,
  locale: DEFAULT_LANG,
  fallbackLocale: DEFAULT_LANG,
  messages,
})
