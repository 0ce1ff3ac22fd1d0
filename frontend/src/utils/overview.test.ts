import { describe, expect, it } from 'vitest'
import { STATUSES, type CertFile, type Row } from '@/api/types'
import { listOf } from '@/test/api'
import { WORST_FIRST, cert, everyStatus, file } from '@/test/files'
import { countRows, guideFor, matches, patchRows, pathOf, shaOf, sortRows, tilesOf, TILE_OF, TILES } from './overview'

/** The rows Go would send for files (the fake's overview.ListOf). */
const rowsOf = (files: CertFile[]): Row[] => listOf(files).rows

describe('tiles', () => {
  it('give every status exactly one tile', () => {
    for (const s of STATUSES) expect(TILES).toContain(TILE_OF[s])
  })

  it('count every row once', () => {
    const c = countRows(rowsOf(everyStatus()))
    expect(c).toEqual({ valid: 1, expiring: 1, invalid: 3, attention: 2 })
    expect(Object.values(c).reduce((a, b) => a + b)).toBe(everyStatus().length)
  })

  it('count a revoked certificate as invalid or expired, and send it to the guide for a new one', () => {
    const revoked = file('/c/revoked.p12', 'revoked', {
      certificate: cert({ revocation: { status: 'revoked', revokedAt: '2026-11-30T10:00:00Z', reason: 'keyCompromise' } }),
    })
    expect(countRows(rowsOf([revoked]))).toEqual({ valid: 0, expiring: 0, invalid: 1, attention: 0 })
    expect(guideFor('revoked')).toBe('create-certificate')
  })

  it('count a row with a reason under its status and under needs attention, as the filter shows it', () => {
    const rows: Row[] = [
      { key: 'e'.repeat(64), status: 'expiring', files: [], daysLeft: 10, notAfter: '2026-12-11T00:00:00Z', attention: true },
      { key: 'd'.repeat(64), status: 'valid', files: [], daysLeft: 400, notAfter: '2028-01-01T00:00:00Z' },
    ]
    expect(tilesOf(rows[0])).toEqual(['expiring', 'attention'])
    const counts = countRows(rows)
    expect(counts).toEqual({ valid: 1, expiring: 1, invalid: 0, attention: 1 })
    for (const t of TILES) expect(rows.filter((r) => tilesOf(r).includes(t))).toHaveLength(counts[t])
  })

  it('keep a locked file under needs attention, with its path and no SHA-256', () => {
    const [r] = rowsOf([file('/c/locked.p12', 'locked')])
    expect(tilesOf(r)).toEqual(['attention'])
    expect(pathOf(r)).toBe('/c/locked.p12')
    expect(shaOf(r)).toBe('')
  })
})

describe('matches', () => {
  const c = cert({ commonName: 'Sikkerpost', email: 'sikkerpost@testkommune-nord.dk', cvr: '29189889', serialNumber: '5f3a9c01' })
  const [r] = rowsOf([
    file('/c/sikker-post/Blåbær-postkasse.pfx', 'valid', { certificate: c }),
    file('/c/offentlig/postkasse.cer', 'valid', { certificate: c, format: 'der', hasPrivateKey: false, keyMatchesCertificate: false }),
  ])
  it.each([
    ['blåbær', true],
    ['BLÅBÆR', true],
    ['sikkerpost@', true],
    ['29189889', true],
    ['sikker blåbær', true],
    ['offentlig', true],
    [c.sha1.slice(0, 12), true],
    [c.sha256.slice(-12), true],
    ['5f3a9c01', true],
    ['jobcenter', false],
  ])('%s → %s', (q, want) => {
    expect(matches(r, q)).toBe(want)
  })
  it('finds a file without a certificate by its name', () => {
    expect(matches(rowsOf([file('/c/noter.txt', 'unreadable')])[0], 'noter.txt')).toBe(true)
  })
})

describe('sortRows', () => {
  const files = everyStatus()
  it('puts the worst first by default', () => {
    expect(sortRows(rowsOf(files), { key: 'status', dir: 'asc' }).map((r) => r.status)).toEqual(WORST_FIRST)
  })
  it('sorts by name both ways, rows without a name last', () => {
    files[3].certificate!.commonName = 'cert10@'
    files[4].certificate!.commonName = 'cert2@'
    const rows = rowsOf(files)
    const names = (dir: 'asc' | 'desc') => sortRows(rows, { key: 'name', dir }).map((r) => r.commonName ?? '')
    const known = ['cert2@', 'cert10@', 'gammel@kommune.dk', 'gyldig@kommune.dk', 'snart@kommune.dk']
    expect(names('asc')).toEqual([...known, '', ''])
    expect(names('desc')).toEqual([...known.reverse(), '', ''])
  })
  it('sorts by expiry, rows without a certificate last', () => {
    const rows = rowsOf([
      file('/a', 'valid', { certificate: cert({ notAfter: '2030-01-01T00:00:00Z' }) }),
      file('/c', 'locked'),
      file('/b', 'valid', { certificate: cert({ notAfter: '2027-01-01T00:00:00Z' }) }),
    ])
    expect(sortRows(rows, { key: 'expires', dir: 'asc' }).map(pathOf)).toEqual(['/b', '/a', '/c'])
    expect(sortRows(rows, { key: 'expires', dir: 'desc' }).map(pathOf)).toEqual(['/a', '/b', '/c'])
  })
})

describe('patchRows', () => {
  it('changes rows in place by key, adds the new at the end, leaves out the removed, and keeps the rest as they were', () => {
    const rows = rowsOf(everyStatus())
    const changed = { ...rows[1], daysLeft: 9 }
    const fresh: Row = { key: 'f'.repeat(64), status: 'valid', files: ['/c/ny.p12'], daysLeft: 1000, notAfter: '2029-01-01T00:00:00Z' }
    const out = patchRows(rows, [fresh, changed], [rows[5].key])
    expect(out.map((r) => r.key)).toEqual([...rows.slice(0, 5), ...rows.slice(6), fresh].map((r) => r.key))
    expect(out[1]).toBe(changed)
    expect(out[0]).toBe(rows[0]) // the same object: its search text is kept
    expect(patchRows(rows, [], [])).toBe(rows)
  })
})

describe('guideFor', () => {
  it('links each problem to the guide that helps', () => {
    expect(guideFor('expiring')).toBe('renew-certificate')
    expect(guideFor('expired')).toBe('renew-certificate')
    expect(guideFor('locked', 'password_required')).toBe('attention')
    expect(guideFor('unreadable', 'malformed')).toBe('attention')
  })
})
