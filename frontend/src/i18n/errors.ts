// The one way an error reaches the screen: as the translated errors.<code>
// of locales/en.json and locales/da.json, or errors.internal for a code
// neither language has text for (the details go to the log, not the screen).
import { codeKey, errorKey } from '@/api/call'
import { DEFAULT_LANG, i18n } from './index'

// The locales have the same keys (messages.test.ts), so one language tells.
const known = (key: string) => i18n.global.te(key, DEFAULT_LANG)

/** The message id of an error from a call into Go. */
export function errorMessageId(err: unknown): string {
  return errorKey(err, known)
}

/** The message id of a bare error code, as files, install results and outbox operations carry. */
export function codeMessageId(code: string): string {
  return codeKey(code, known)
}
