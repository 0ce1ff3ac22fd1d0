import { describe, expect, it } from 'vitest'
import type { OverviewCertificate, SolutionOverview } from '@/api/types'
import { cert, file } from '@/test/files'
import { buildRows, countRows, fileRows, matches, tilesOf, TILES } from './overview'

function entry(over: Partial<OverviewCertificate> = {}): OverviewCertificate {
  return {
    sha256: 'e'.repeat(64),
    commonName: 'kollega@testkommune-nord.dk',
    cvr: '29189889',
    notAfter: '2028-01-01T00:00:00Z',
    notBefore: '2025-01-01T00:00:00Z',
    daysLeft: 400,
    status: 'valid',
    inPortal: true,
    portalId: 'id-1',
    files: [],
    usages: [],
    operation: null,
    sha1: 'f'.repeat(40),
    email: 'kollega@testkommune-nord.dk',
    uuid: 'U-1',
    oces: 'oces3',
    installedAt: '2026-01-01T00:00:00Z',
    installedBy: 'admin@testkommune-nord.dk',
    attention: [], revocation: { status: 'not_checked' },
    ...over,
  }
}

function overview(over: Partial<SolutionOverview> = {}): SolutionOverview {
  return {
    syncedAt: '2026-11-26T09:00:00Z',
    organization: { cvr: '29189889', name: 'Testkommune Nord' },
    warnDays: 30,
    integrations: [],
    certificates: [],
    files: [],
    tiles: { valid: 0, expiring: 0, invalid: 0, attention: 0 },
    ...over,
  }
}

describe('rows', () => {
  it('make one row of a .p12 and its .cer, standing in with the .p12, and count it once', () => {
    const c = cert({ commonName: 'exchange@testkommune-nord.dk' })
    const cer = file('/c/offentlig/exchange.cer', 'valid', { format: 'der', hasPrivateKey: false, keyMatchesCertificate: false, certificate: c })
    const p12 = file('/c/z-exchange.p12', 'valid', { certificate: c })
    const e = entry({ sha256: c.sha256, files: [cer.path, p12.path], inPortal: false, portalId: null })
    const rows = buildRows(overview({ certificates: [e] }), [cer, p12])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ key: c.sha256, path: p12.path, files: [cer.path, p12.path], inPortal: false })
    expect(rows[0].certificate?.organization).toBe('Testkommune')
    expect(countRows(rows)).toEqual({ valid: 1, expiring: 0, invalid: 0, attention: 0 })
    // Either file's path finds it.
    expect(matches(rows[0], 'offentlig')).toBe(true)
  })

  it('show a certificate only in DPG with its portal facts and the organisation', () => {
    const rows = buildRows(overview({ certificates: [entry({ usages: [{ integrationId: 'i', kind: 'digital_post', name: 'DP' }, { integrationId: 'j', kind: 'digital_post', name: 'DP test' }] })] }), [])
    expect(rows[0]).toMatchObject({ path: '', files: [], inPortal: true, status: 'valid', usage: ['digital_post'] })
    expect(rows[0].certificate).toMatchObject({ commonName: 'kollega@testkommune-nord.dk', organization: 'Testkommune Nord', sha256: 'e'.repeat(64) })
  })

  it('keep a locked file a row of its own, under needs attention', () => {
    const locked = file('/c/locked.p12', 'locked')
    const rows = buildRows(overview({ files: [{ path: locked.path, status: 'locked', error: locked.error! }] }), [locked])
    expect(rows).toEqual([expect.objectContaining({ key: 'file:/c/locked.p12', path: '/c/locked.p12', status: 'locked', entry: null })])
    expect(tilesOf(rows[0])).toEqual(['attention'])
  })

  it('count a certificate with a reason under its status and under needs attention, as the filter shows it', () => {
    const rows = buildRows(overview({ certificates: [entry({ status: 'expiring', attention: ['no_successor'] }), entry({ sha256: 'd'.repeat(64) })] }), [])
    expect(tilesOf(rows[0])).toEqual(['expiring', 'attention'])
    const counts = countRows(rows)
    expect(counts).toEqual({ valid: 1, expiring: 1, invalid: 0, attention: 1 })
    for (const t of TILES) expect(rows.filter((r) => tilesOf(r).includes(t))).toHaveLength(counts[t])
  })

  it('fall back to one row per file without an overview', () => {
    const rows = fileRows([file('/a.p12', 'valid'), file('/b.p12', 'valid')])
    expect(rows.map((r) => r.key)).toEqual(['file:/a.p12', 'file:/b.p12'])
  })
})
