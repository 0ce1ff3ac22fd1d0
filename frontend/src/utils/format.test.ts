import { describe, expect, it } from 'vitest'
import { baseName, daysLeftText, formatDate, formatNumber, scanPace, thumbprint } from './format'

describe('format', () => {
  it('writes dates in the language', () => {
    expect(formatDate('2027-03-15T12:00:00Z', 'da')).toBe('15.03.2027')
    expect(formatDate('2027-03-15T12:00:00Z', 'en')).toBe('15 Mar 2027')
    expect(formatDate('', 'da')).toBe('')
    expect(formatDate('nonsense', 'en')).toBe('')
  })

  it('writes numbers in the language', () => {
    expect(formatNumber(10000, 'da')).toBe('10.000')
    expect(formatNumber(10000, 'en')).toBe('10,000')
  })

  it.each([
    [10, 'expiring', 'list.daysLeft', 10],
    [1, 'expiring', 'list.daysLeft', 1],
    [0, 'expiring', 'list.today', 0],
    [-1, 'expired', 'list.daysAgo', 1],
    [-30, 'expired', 'list.daysAgo', 30],
    [400, 'not_yet_valid', 'list.validFrom', 0],
  ])('days left %i (%s)', (days, status, key, n) => {
    expect(daysLeftText(days, status)).toEqual({ key, n })
  })

  it('shows thumbprints upper-case and file names alone', () => {
    expect(thumbprint('ab01')).toBe('AB01')
    expect(baseName('/a/b/c.p12')).toBe('c.p12')
    expect(baseName('C:\\certs\\d.pfx')).toBe('d.pfx')
  })
})

describe('scanPace', () => {
  it('says nothing in the first second, no time left before the count, then both', () => {
    expect(scanPace(10, 10, false, 500)).toBeNull()
    expect(scanPace(300, 300, false, 2000)).toEqual({ perSecond: 150, secondsLeft: null })
    expect(scanPace(300, 1200, true, 2000)).toEqual({ perSecond: 150, secondsLeft: 6 })
    expect(scanPace(1200, 1200, true, 8000)).toEqual({ perSecond: 150, secondsLeft: 0 })
  })
})
