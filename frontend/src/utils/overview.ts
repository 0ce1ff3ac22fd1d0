// Pure helpers of the list's rows (overview.Row, from Go): which tiles a
// row counts under, search, sorting. The store and the tests share them,
// so the tiles and the list can't disagree.
import type { Row, Status } from '@/api/types'

export type Tile = 'valid' | 'expiring' | 'invalid' | 'attention'
export const TILES: readonly Tile[] = ['valid', 'expiring', 'invalid', 'attention']

/** The tile of each status: every status has exactly one. */
export const TILE_OF: Record<Status, Tile> = {
  valid: 'valid',
  expiring: 'expiring',
  expired: 'invalid',
  revoked: 'invalid',
  not_yet_valid: 'invalid',
  invalid: 'invalid',
  locked: 'attention',
  unreadable: 'attention',
}

export type Counts = Record<Tile, number>

/** Whether r is replaced: history, counted in no tile, shown on request. */
export function isReplaced(r: Row): boolean {
  return !!r.replacedBy
}

/** The tiles a row counts under: its status's, and attention when it has a reason; none when it is replaced. */
export function tilesOf(r: Row): Tile[] {
  if (isReplaced(r)) return []
  const tile = TILE_OF[r.status] ?? 'attention'
  return tile !== 'attention' && r.attention ? [tile, 'attention'] : [tile]
}

/** The tiles count rows, each under the tiles of tilesOf: the same rule as the filter. */
export function countRows(rows: readonly Row[]): Counts {
  const c: Counts = { valid: 0, expiring: 0, invalid: 0, attention: 0 }
  for (const r of rows) for (const t of tilesOf(r)) c[t]++
  return c
}

/** Worst first: the order of the status column and the default sort. */
const SEVERITY: Record<Status, number> = {
  unreadable: 0,
  invalid: 1,
  locked: 2,
  expired: 3,
  revoked: 3,
  not_yet_valid: 4,
  expiring: 5,
  valid: 6,
}

export type SortKey = 'name' | 'organization' | 'email' | 'expires' | 'status' | 'file'
export interface Sort {
  key: SortKey
  dir: 'asc' | 'desc'
}
export const DEFAULT_SORT: Sort = { key: 'status', dir: 'asc' }

const collator = new Intl.Collator('da', { sensitivity: 'base', numeric: true })

/** The file that stands for a row; "" when it is only in DPG. */
export function pathOf(r: Row): string {
  return r.files[0] ?? ''
}

/** The certificate's SHA-256; "" for a file whose certificate is not known. */
export function shaOf(r: Row): string {
  return r.key.startsWith('file:') ? '' : r.key
}

function text(r: Row, key: SortKey): string {
  switch (key) {
    case 'name':
      return r.commonName ?? ''
    case 'organization':
      return `${r.organization ?? ''} ${r.cvr ?? ''}`
    case 'email':
      return r.email ?? ''
    default:
      return pathOf(r)
  }
}

function expiry(r: Row): number {
  return r.notAfter ? Date.parse(r.notAfter) : Number.POSITIVE_INFINITY
}

/** Whether r has nothing to sort by: it goes last, whichever the direction. */
function blank(r: Row, key: SortKey): boolean {
  return key === 'expires' ? !r.notAfter : key !== 'status' && key !== 'file' && !text(r, key).trim()
}

// The sort keys are worked out once per row, not once per comparison:
// 10,000 rows take about 140,000 comparisons.
interface Keyed {
  r: Row
  replaced: boolean
  blank: boolean
  num: number
  text: string
  tie: string
}

export function sortRows(rows: readonly Row[], sort: Sort): Row[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  const key = sort.key
  const keyed: Keyed[] = rows.map((r) => ({
    r,
    replaced: isReplaced(r),
    blank: blank(r, key),
    // Status, then expiry: the severity dwarfs any date in milliseconds.
    num: key === 'status' ? SEVERITY[r.status] * 1e15 + Math.min(expiry(r), 9e14) : key === 'expires' ? expiry(r) : 0,
    text: key === 'status' || key === 'expires' ? '' : text(r, key),
    tie: pathOf(r) || r.key,
  }))
  keyed.sort((a, b) => {
    // Replaced certificates, when shown, are history: after the others, whichever the sort.
    if (a.replaced !== b.replaced) return a.replaced ? 1 : -1
    if (a.blank !== b.blank) return a.blank ? 1 : -1
    const c = a.num - b.num || (a.text === b.text ? 0 : collator.compare(a.text, b.text))
    // The collator finds "A.p12" and "a.p12" alike: the key decides, so
    // the order never depends on the order the rows came in.
    return sign * c || collator.compare(a.tie, b.tie) || (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : 0)
  })
  return keyed.map((k) => k.r)
}

/**
 * rows with the changes of a reload: the rows changed in place (by key),
 * the new ones at the end, those removed left out. Unchanged rows are the
 * same objects, so what is worked out per row (the search text) is kept;
 * without changes, rows itself is, so the filter and the sort stand.
 */
export function patchRows(rows: Row[], changed: readonly Row[], removed: readonly string[]): Row[] {
  if (changed.length === 0 && removed.length === 0) return rows
  const gone = new Set(removed)
  const fresh = new Map(changed.map((r) => [r.key, r]))
  const out: Row[] = []
  for (const r of rows) {
    if (gone.has(r.key)) continue
    const n = fresh.get(r.key)
    out.push(n ?? r)
    fresh.delete(r.key)
  }
  out.push(...fresh.values())
  return out
}

/** The text a search looks in: names, organisation, CVR, e-mail, thumbprints, serial number, file paths. */
export function searchText(r: Row): string {
  return [...r.files, r.commonName, r.organization, r.cvr, r.email, r.sha1, shaOf(r), r.serial]
    .filter(Boolean).join('\n').toLocaleLowerCase('da')
}

/** Whether r matches every word of query. */
export function matches(r: Row, query: string, haystack = searchText(r)): boolean {
  const words = query.toLocaleLowerCase('da').split(/\s+/).filter(Boolean)
  return words.every((w) => haystack.includes(w))
}

/** The guide that helps with a status or an error code. */
export function guideFor(status: Status, code?: string): string {
  if (code === 'password_required' || code === 'wrong_password') return 'attention'
  switch (status) {
    case 'expiring':
    case 'expired':
      return 'renew-certificate'
    case 'revoked':
      return 'create-certificate'
    case 'valid':
      return 'overview'
    case 'invalid':
    case 'not_yet_valid':
    case 'unreadable':
    case 'locked':
      return 'attention'
  }
  return 'attention'
}

