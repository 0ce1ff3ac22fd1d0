// Test data: certificate files as the Go side sends them.
import type { CertFile, Certificate, Status } from '@/api/types'

let serial = 0

/** When Go judges the test data (overviewgolden.Now): dates are written relative to it. */
export const NOW = Date.parse('2026-11-26T12:00:00Z')
const DAY = 86_400_000

/** The time days from NOW, as Go writes times. */
export const daysFromNow = (days: number) => new Date(NOW + days * DAY).toISOString().replace('.000Z', 'Z')

/**
 * A certificate. Its notAfter and daysLeft agree, as Go's overview judges
 * by the dates: give either (daysLeft 100 by default).
 */
export function cert(over: Partial<Certificate> = {}): Certificate {
  serial++
  const daysLeft = over.daysLeft ?? (over.notAfter ? Math.floor((Date.parse(over.notAfter) - NOW) / DAY) : 100)
  const notAfter = over.notAfter ?? daysFromNow(daysLeft)
  return {
    subject: 'CN=x',
    commonName: `cert${serial}@kommune.dk`,
    organization: 'Testkommune',
    cvr: '29189889',
    uuid: '',
    email: `cert${serial}@kommune.dk`,
    issuer: 'CN=Den Danske Stat OCES udstedende-CA 1',
    serialNumber: '01',
    notBefore: '2025-01-01T00:00:00Z',
    // One certificate per call: the overview merges files by SHA-256.
    sha1: 'a' + serial.toString(16).padStart(39, '0'),
    sha256: 'c' + serial.toString(16).padStart(63, '0'),
    keyAlgorithm: 'RSA 3072',
    signatureAlgorithm: 'RSASSA-PSS',
    isCA: false,
    oces: 'oces3',
    ...over,
    notAfter,
    daysLeft,
  }
}

/** The dates a file of status has unless the test gives its certificate. */
const DATES: Partial<Record<Status, Partial<Certificate>>> = {
  expiring: { daysLeft: 10 },
  expired: { daysLeft: -5 },
  not_yet_valid: { notBefore: daysFromNow(3), daysLeft: 1000 },
}

export function file(path: string, status: Status, over: Partial<CertFile> = {}): CertFile {
  const withCert = status !== 'locked' && status !== 'unreadable'
  return {
    path,
    format: 'pkcs12',
    status,
    hasPrivateKey: withCert,
    keyMatchesCertificate: withCert,
    certificate: withCert ? cert(DATES[status]) : undefined,
    chain: null,
    error:
      status === 'locked'
        ? { code: 'password_required', message: 'Locked.' }
        : status === 'unreadable'
          ? { code: 'not_a_certificate', message: 'Not a certificate.' }
          : undefined,
    ...over,
  }
}

/** everyStatus()'s statuses worst first: the list's default order. */
export const WORST_FIRST: Status[] = ['unreadable', 'invalid', 'locked', 'expired', 'not_yet_valid', 'expiring', 'valid']

/** One file of every status. */
export function everyStatus(): CertFile[] {
  return [
    file('/c/valid.p12', 'valid', { certificate: cert({ commonName: 'gyldig@kommune.dk', daysLeft: 400 }) }),
    file('/c/expiring.p12', 'expiring', { certificate: cert({ commonName: 'snart@kommune.dk', daysLeft: 10 }) }),
    file('/c/expired.p12', 'expired', { certificate: cert({ commonName: 'gammel@kommune.dk', daysLeft: -5 }) }),
    file('/c/future.p12', 'not_yet_valid'),
    file('/c/mismatch.p12', 'invalid'),
    file('/c/locked.p12', 'locked'),
    file('/c/blåbær.txt', 'unreadable'),
  ]
}
