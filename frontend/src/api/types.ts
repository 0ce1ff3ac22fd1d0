// The shapes the Go side sends, as JSON. They mirror backend/certs,
// backend/report, backend/store and app: written by hand so that components
// never depend on the generated bindings.

/** A file's status, as decided by backend/certs. */
export type Status = 'valid' | 'expiring' | 'expired' | 'not_yet_valid' | 'invalid' | 'locked' | 'unreadable'

export const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'not_yet_valid', 'invalid', 'locked', 'unreadable']

export interface CodedError {
  code: string
  message: string
}

export interface Certificate {
  subject: string
  commonName: string
  organization: string
  cvr: string
  uuid: string
  email: string
  issuer: string
  serialNumber: string
  notBefore: string
  notAfter: string
  daysLeft: number
  sha1: string
  sha256: string
  keyAlgorithm: string
  signatureAlgorithm: string
  isCA: boolean
  oces: string
}

export interface CertFile {
  path: string
  format?: string
  status: Status
  error?: CodedError
  encryption?: string
  hasPrivateKey: boolean
  keyMatchesCertificate: boolean
  certificate?: Certificate
  /** Only filled by details(); the overview leaves the chains out. */
  chain: Certificate[] | null
  /** Where the certificate is in use; the portal fills it. */
  usage?: string[]
}

/** The overview, in the shape of `dpgcerts scan --json`. */
export interface Overview {
  scannedAt: string
  warnDays: number
  files: CertFile[]
}

export interface ScanState {
  running: boolean
  done: number
  total: number
  path: string
}

export interface ScanResult {
  /** A scan the user asked for; false for the rescan at start. */
  requested: boolean
  files: number
  cancelled: boolean
  error?: CodedError
  locked: string[] | null
}

export interface UnlockResult {
  file: CertFile
  remembered: boolean
}

export interface Folder {
  path: string
  addedAt: string
}

export interface Guide {
  id: string
  title: string
  available: boolean
}
