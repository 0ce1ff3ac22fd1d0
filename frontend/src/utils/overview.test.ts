import { describe, expect, it } from 'vitest'
import { STATUSES } from '@/api/types'
import { cert, everyStatus, file } from '@/test/files'
import { countTiles, guideFor, matches, sortFiles, TILE_OF, TILES } from './overview'

describe('tiles', () => {
  it('give every status exactly one tile', () => {
    for (const s of STATUSES) expect(TILES).toContain(TILE_OF[s])
  })

  it('count every file once', () => {
    const c = countTiles(everyStatus())
    expect(c).toEqual({ valid: 1, expiring: 1, invalid: 3, attention: 2 })
    expect(Object.values(c).reduce((a, b) => a + b)).toBe(everyStatus().length)
  })

  it('count a revoked certificate as invalid or expired, and send it to the guide for a new one', () => {
    const revoked = file('/c/revoked.p12', 'revoked', {
      certificate: cert({ revocation: { status: 'revoked', revokedAt: '2026-11-30T10:00:00Z', reason: 'keyCompromise' } }),
    })
    expect(countTiles([revoked])).toEqual({ valid: 0, expiring: 0, invalid: 1, attention: 0 })
    expect(guideFor('revoked')).toBe('create-certificate')
  })
})

describe('matches', () => {
  const f = file('/c/sikker-post/Blåbær-postkasse.pfx', 'valid', {
    certificate: cert({ commonName: 'Sikkerpost', email: 'sikkerpost@testkommune-nord.dk', cvr: '29189889' }),
  })
  it.each([
    ['blåbær', true],
    ['BLÅBÆR', true],
    ['sikkerpost@', true],
    ['29189889', true],
    ['sikker blåbær', true],
    ['jobcenter', false],
  ])('%s → %s', (q, want) => {
    expect(matches(f, q)).toBe(want)
  })
  it('finds a file without a certificate by its name', () => {
    expect(matches(file('/c/noter.txt', 'unreadable'), 'noter.txt')).toBe(true)
  })
})

describe('sortFiles', () => {
  const files = everyStatus()
  it('puts the worst first by default', () => {
    expect(sortFiles(files, { key: 'status', dir: 'asc' }).map((f) => f.status)).toEqual([
      'unreadable',
      'invalid',
      'locked',
      'expired',
      'not_yet_valid',
      'expiring',
      'valid',
    ])
  })
  it('sorts by name both ways, empty names last', () => {
    const names = (dir: 'asc' | 'desc') => sortFiles(files, { key: 'name', dir }).map((f) => f.certificate?.commonName ?? '')
    const known = ['cert2@', 'cert10@', 'gammel@kommune.dk', 'gyldig@kommune.dk', 'snart@kommune.dk']
    files[3].certificate!.commonName = 'cert10@'
    files[4].certificate!.commonName = 'cert2@'
    expect(names('asc')).toEqual([...known, '', ''])
    expect(names('desc')).toEqual([...known.reverse(), '', ''])
  })
  it('sorts by expiry, files without a certificate last', () => {
    const a = file('/a', 'valid', { certificate: cert({ notAfter: '2030-01-01T00:00:00Z' }) })
    const b = file('/b', 'valid', { certificate: cert({ notAfter: '2027-01-01T00:00:00Z' }) })
    const c = file('/c', 'locked')
    expect(sortFiles([a, c, b], { key: 'expires', dir: 'asc' }).map((f) => f.path)).toEqual(['/b', '/a', '/c'])
    expect(sortFiles([a, c, b], { key: 'expires', dir: 'desc' }).map((f) => f.path)).toEqual(['/a', '/b', '/c'])
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
