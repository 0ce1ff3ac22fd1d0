// The Reminders dialog's form fields and the settings they stand for: the
// mail server's address is one smtp:// or smtps:// URL in Go, but host,
// security, port and user in the form.

export const DEFAULT_LEAD_DAYS = [90, 30, 14, 7, 3, 1, 0]

export interface SmtpFields {
  host: string
  security: 'starttls' | 'tls'
  port: string
  user: string
}

/** Splits smtp://user@host:587 into the form's fields. */
export function splitSmtp(url: string): SmtpFields {
  const m = /^(smtps?):\/\/(?:([^@/]*)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url.trim())
  if (!m) return { host: '', security: 'starttls', port: '587', user: '' }
  const tls = m[1] === 'smtps'
  return { host: m[3], security: tls ? 'tls' : 'starttls', port: m[4] ?? (tls ? '465' : '587'), user: m[2] ? decodeURIComponent(m[2]) : '' }
}

/** The URL of the form's fields; '' without a host. */
export function joinSmtp(f: SmtpFields): string {
  const host = f.host.trim()
  if (!host) return ''
  const user = f.user.trim() ? encodeURIComponent(f.user.trim()) + '@' : ''
  const port = f.port.trim() || (f.security === 'tls' ? '465' : '587')
  return `${f.security === 'tls' ? 'smtps' : 'smtp'}://${user}${host}:${port}`
}

/** "a@x, b@y; c@z" as a list. */
export function splitAddresses(s: string): string[] {
  return s
    .split(/[,;\n]/)
    .map((a) => a.trim())
    .filter((a) => a !== '')
}

/** "90, 30, 7" as days, longest first; null when it isn't whole days 0-365. */
export function parseLeadDays(s: string): number[] | null {
  const out: number[] = []
  for (const part of s.split(',')) {
    const p = part.trim()
    if (p === '') continue
    if (!/^\d+$/.test(p)) return null
    const n = Number(p)
    if (n > 365) return null
    if (!out.includes(n)) out.push(n)
  }
  return out.length ? out.sort((a, b) => b - a) : null
}

export function formatLeadDays(days: number[]): string {
  return days.join(', ')
}

/** A field's problem: an i18n key under reminders.dialog, and its parameters. */
export interface Problem {
  key: string
  params?: Record<string, string>
}

/** "a@x" or "Name <a@x>": an address as Go's net/mail reads it, roughly (Go decides). */
export function isAddress(s: string): boolean {
  const m = /^[^<>]*<([^<>]+)>$/.exec(s.trim())
  return /^[^\s@,;<>"]+@[^\s@,;<>"]+$/.test(m ? m[1].trim() : s.trim())
}

export interface TeamFields extends SmtpFields {
  from: string
  to: string
  contacts: Record<string, string>
}

/**
 * What keeps the form's e-mail from working, by field (host, port, from,
 * to, contact:<id>): said beside the field, in words, rather than one
 * "a setting is not valid" after Save. A mail server without addresses
 * (or addresses without a server) would otherwise be saved as no e-mail.
 */
export function formProblems(f: TeamFields): Record<string, Problem> {
  const out: Record<string, Problem> = {}
  const host = f.host.trim()
  const to = splitAddresses(f.to)
  const bad = (s: string): Problem => ({ key: 'invalidAddress', params: { address: s } })
  if (!host && to.length) out.host = { key: 'hostNeeded' }
  if (host && !to.length) out.to = { key: 'toNeeded' }
  const wrong = to.find((a) => !isAddress(a))
  if (wrong !== undefined) out.to = bad(wrong)
  const port = f.port.trim()
  if (host && port && (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) out.port = { key: 'invalidPort' }
  const from = f.from.trim()
  if (from && !isAddress(from)) out.from = bad(from)
  else if (host && !from) out.from = { key: 'fromNeeded' }
  const contacts = Object.entries(f.contacts).filter(([, v]) => v.trim())
  for (const [id, v] of contacts) if (!isAddress(v)) out[`contact:${id}`] = bad(v.trim())
  // Contacts are told by the team's e-mail channel: without it, no one would be.
  if (contacts.length && (!host || !to.length)) out.contacts = { key: 'contactsNeedEmail' }
  return out
}
