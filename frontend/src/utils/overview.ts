// Pure helpers of the overview: which tile a status belongs to, search,
// sorting. The store and the tests share them, so the tiles and the list
// can't disagree.
import type { CertFile, Certificate, OverviewCertificate, SolutionOverview, Status } from '@/api/types'

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

export function countTiles(files: readonly CertFile[]): Counts {
  const c: Counts = { valid: 0, expiring: 0, invalid: 0, attention: 0 }
  for (const f of files) c[TILE_OF[f.status] ?? 'attention']++
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

function text(f: CertFile, key: SortKey): string {
  const c = f.certificate
  switch (key) {
    case 'name':
      return c?.commonName ?? ''
    case 'organization':
      return `${c?.organization ?? ''} ${c?.cvr ?? ''}`
    case 'email':
      return c?.email ?? ''
    default:
      return f.path
  }
}

function expiry(f: CertFile): number {
  return f.certificate ? Date.parse(f.certificate.notAfter) : Number.POSITIVE_INFINITY
}

/** Whether f has nothing to sort by: it goes last, whichever the direction. */
function blank(f: CertFile, key: SortKey): boolean {
  return key === 'expires' ? !f.certificate : key !== 'status' && key !== 'file' && !text(f, key).trim()
}

// The sort keys are worked out once per file, not once per comparison:
// 10,000 files take about 140,000 comparisons.
interface Keyed {
  f: CertFile
  blank: boolean
  num: number
  text: string
}

export function sortFiles(files: readonly CertFile[], sort: Sort): CertFile[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  const key = sort.key
  const keyed: Keyed[] = files.map((f) => ({
    f,
    blank: blank(f, key),
    // Status, then expiry: the severity dwarfs any date in milliseconds.
    num: key === 'status' ? SEVERITY[f.status] * 1e15 + Math.min(expiry(f), 9e14) : key === 'expires' ? expiry(f) : 0,
    text: key === 'status' || key === 'expires' ? '' : text(f, key),
  }))
  keyed.sort((a, b) => {
    if (a.blank !== b.blank) return a.blank ? 1 : -1
    const c = a.num - b.num || (a.text === b.text ? 0 : collator.compare(a.text, b.text))
    return sign * c || collator.compare(a.f.path, b.f.path)
  })
  return keyed.map((k) => k.f)
}

/** The text a search looks in: names, organisation, CVR, e-mail, file paths. */
export function searchText(f: CertFile & { files?: string[] }): string {
  const c = f.certificate
  const parts = f.files?.length ? [...f.files] : [f.path]
  if (c) parts.push(c.commonName, c.organization, c.cvr, c.email, c.sha1, c.sha256, c.serialNumber)
  return parts.join('\n').toLocaleLowerCase('da')
}

/** Whether f matches every word of query. */
export function matches(f: CertFile, query: string, haystack = searchText(f)): boolean {
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

/**
 * One row of the list: one certificate, wherever it is (in DPG, in any
 * number of files here, or both), or one file whose certificate is not
 * known (locked, unreadable). It is a CertFile, so that sorting and search
 * work on rows as they did on files: path is the file that stands for the
 * certificate (a .p12 with its key before a .cer), "" when it is only in
 * DPG, and status is the certificate's.
 */
export interface Row extends CertFile {
  /** The certificate's SHA-256, or "file:" and the path of an unknown file. */
  key: string
  /** The local files that hold it, by path. */
  files: string[]
  inPortal: boolean
  /** The overview's entry; null for an unknown file. */
  entry: OverviewCertificate | null
}

/** The tiles a row counts under: its status's, and attention when it has a reason. */
export function tilesOf(r: Row): Tile[] {
  const tile = TILE_OF[r.status] ?? 'attention'
  return tile !== 'attention' && r.entry?.attention.length ? [tile, 'attention'] : [tile]
}

/** The tiles count rows, each under the tiles of tilesOf: the same rule as the filter. */
export function countRows(rows: readonly Row[]): Counts {
  const c: Counts = { valid: 0, expiring: 0, invalid: 0, attention: 0 }
  for (const r of rows) for (const t of tilesOf(r)) c[t]++
  return c
}

/** The file that stands for a certificate: one the portal would take, else the first. */
function standIn(paths: readonly string[], byPath: ReadonlyMap<string, CertFile>): CertFile | undefined {
  const files = paths.map((p) => byPath.get(p)).filter((f): f is CertFile => !!f)
  return files.find((f) => f.format === 'pkcs12' && f.keyMatchesCertificate && f.status !== 'invalid') ?? files[0]
}

/** The facts of a certificate known only from DPG's record. */
function portalFacts(e: OverviewCertificate, organization: string): Certificate {
  return {
    subject: '',
    commonName: e.commonName,
    organization,
    cvr: e.cvr,
    uuid: e.uuid,
    email: e.email,
    issuer: '',
    serialNumber: '',
    notBefore: e.notBefore,
    notAfter: e.notAfter,
    daysLeft: e.daysLeft,
    sha1: e.sha1,
    sha256: e.sha256,
    keyAlgorithm: '',
    signatureAlgorithm: '',
    isCA: false,
    oces: e.oces,
  }
}

function kinds(e: OverviewCertificate): string[] {
  return [...new Set(e.usages.map((u) => u.kind))]
}

/**
 * The list's rows: the overview's certificates and unknown files, with the
 * facts of the local files (organisation, format...) where there are any.
 */
export function buildRows(ov: SolutionOverview, files: readonly CertFile[]): Row[] {
  const byPath = new Map(files.map((f) => [f.path, f]))
  const org = ov.organization
  const rows: Row[] = ov.certificates.map((e) => {
    const f = standIn(e.files, byPath)
    const certificate = f?.certificate ?? portalFacts(e, org && org.cvr === e.cvr ? org.name : '')
    return {
      path: f?.path ?? '',
      format: f?.format,
      encryption: f?.encryption,
      error: f?.error,
      hasPrivateKey: f?.hasPrivateKey ?? false,
      keyMatchesCertificate: f?.keyMatchesCertificate ?? false,
      certificate: { ...certificate, daysLeft: e.daysLeft },
      chain: null,
      status: e.status,
      usage: kinds(e),
      key: e.sha256,
      files: e.files,
      inPortal: e.inPortal,
      entry: e,
    }
  })
  for (const u of ov.files) {
    const f = byPath.get(u.path) ?? {
      path: u.path,
      status: u.status,
      error: u.error ?? undefined,
      hasPrivateKey: false,
      keyMatchesCertificate: false,
      chain: null,
    }
    rows.push({ ...f, status: u.status, key: `file:${u.path}`, files: [u.path], inPortal: false, entry: null })
  }
  return rows
}

/** Rows of files alone, one per file: when the overview can't be built. */
export function fileRows(files: readonly CertFile[]): Row[] {
  return files.map((f) => ({ ...f, key: `file:${f.path}`, files: [f.path], inPortal: false, entry: null }))
}
