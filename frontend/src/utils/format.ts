// Dates and numbers in the window's language: 15.03.2027 in Danish,
// 15 Mar 2027 in English (no month/day order to misread).
import type { Lang } from '@/i18n'

const dateFormats = new Map<string, Intl.DateTimeFormat>()
const numberFormats = new Map<string, Intl.NumberFormat>()

function dateFormat(lang: Lang, withTime: boolean): Intl.DateTimeFormat {
  const key = `${lang}/${withTime}`
  let f = dateFormats.get(key)
  if (!f) {
    const time: Intl.DateTimeFormatOptions = withTime ? { hour: '2-digit', minute: '2-digit' } : {}
    f =
      lang === 'da'
        ? new Intl.DateTimeFormat('da-DK', { day: '2-digit', month: '2-digit', year: 'numeric', ...time })
        : new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', ...time })
    dateFormats.set(key, f)
  }
  return f
}

/** A date (ISO 8601 from Go) in lang; "" for no date. */
export function formatDate(iso: string | undefined, lang: Lang, withTime = false): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return dateFormat(lang, withTime).format(d)
}

/** A whole number in lang: 1.234 in Danish, 1,234 in English. */
export function formatNumber(n: number, lang: Lang): string {
  let f = numberFormats.get(lang)
  if (!f) {
    f = new Intl.NumberFormat(lang === 'da' ? 'da-DK' : 'en-GB')
    numberFormats.set(lang, f)
  }
  return f.format(n)
}

/**
 * The message id and count for "days left" next to an expiry date. A
 * certificate not valid yet says when it starts instead (list.validFrom,
 * filled in by the caller): its days left count to the end.
 */
export function daysLeftText(days: number, status: string): { key: string; n: number } {
  if (status === 'not_yet_valid') return { key: 'list.validFrom', n: 0 }
  if (days === 0) return { key: 'list.today', n: 0 }
  if (days < 0) return { key: 'list.daysAgo', n: -days }
  return { key: 'list.daysLeft', n: days }
}

/**
 * The pace of a scan: files read per second, and the seconds left once the
 * total is known (counted), else null. Nothing to tell before a second.
 */
export function scanPace(done: number, total: number, counted: boolean, elapsedMs: number): { perSecond: number; secondsLeft: number | null } | null {
  if (elapsedMs < 1000 || done <= 0) return null
  const perSecond = (1000 * done) / elapsedMs
  const secondsLeft = counted ? Math.ceil(Math.max(0, total - done) / perSecond) : null
  return { perSecond: Math.round(perSecond), secondsLeft }
}

/** A thumbprint as Entra and Windows show it: upper-case hex. */
export const thumbprint = (hex: string | undefined): string => (hex ?? '').toUpperCase()

/** The last part of a path, for either separator. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i >= 0 ? path.slice(i + 1) : path
}
