// Test data: certificate files as the Go side sends them.
import type { CertFile, Certificate, Status } from '@/api/types'

let serial = 0

export function cert(over: Partial<Certificate> = {}): Certificate {
  serial++
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
    notAfter: '2027-03-15T12:00:00Z',
    daysLeft: 100,
    // One certificate per call: the overview merges files by SHA-256.
    sha1: 'a' + serial.toString(16).padStart(39, '0'),
    sha256: 'c' + serial.toString(16).padStart(63, '0'),
    keyAlgorithm: 'RSA 3072',
    signatureAlgorithm: 'RSASSA-PSS',
    isCA: false,
    oces: 'oces3',
    ...over,
  }
}

export function file(path: string, status: Status, over: Partial<CertFile> = {}): CertFile {
  const withCert = status !== 'locked' && status !== 'unreadable'
  return {
    path,
    format: 'pkcs12',
    status,
    hasPrivateKey: withCert,
    keyMatchesCertificate: withCert,
    certificate: withCert ? cert() : undefined,
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
