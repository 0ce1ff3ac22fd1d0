// The shapes the Go side sends, as JSON. They mirror backend/certs,
// backend/report, backend/store and app: written by hand so that components
// never depend on the generated bindings.

/** A file's status, as decided by backend/certs. */
export type Status = 'valid' | 'expiring' | 'expired' | 'revoked' | 'not_yet_valid' | 'invalid' | 'locked' | 'unreadable'

export const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'revoked', 'not_yet_valid', 'invalid', 'locked', 'unreadable']

export interface CodedError {
  code: string
  message: string
}

/** What the CA answered when asked whether a certificate is revoked (backend/revocation). */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not_checked'

export interface Revocation {
  status: RevocationStatus
  checkedAt?: string
  source?: 'ocsp' | 'crl'
  revokedAt?: string
  /** An RFC 5280 reason word: keyCompromise, cessationOfOperation... */
  reason?: string
  error?: CodedError
  nextUpdate?: string
  /** The CA could not be reached: this is the last answer, as old as checkedAt. */
  stale?: boolean
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
  /** Set once the CA was asked; absent when nobody asked. */
  revocation?: Revocation
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

/** The portal's sign-in, outbox counts and sync times (app.PortalStatus). */
export interface PortalStatus {
  portal: string
  pending: number
  needsPassword: number
  failed: number
  done: number
  syncing: boolean
  meSyncedAt?: string
  certificatesSyncedAt?: string
  integrationsSyncedAt?: string
  eventsSyncedAt?: string
  lastErrorCode?: string
  signedIn: boolean
  /** unauthenticated, not_registered, migration_required or no_token; absent when fine. */
  account?: string
  organization?: string
  cvr?: string
  user?: string
  sandbox: boolean
  registerUrl: string
  migrateUrl: string
}

export type InstallOutcome = 'installed' | 'already' | 'failed' | 'needs_password' | 'pending'

export interface InstallResult {
  path: string
  result: InstallOutcome
  code?: string
  operationId?: number
}

export interface PortalOperation {
  id: number
  kind: 'install' | 'activate'
  state: 'pending' | 'needs_password' | 'done' | 'failed'
  filename?: string
  path?: string
  certificateSha256?: string
  integrationId?: string
  certificateId?: string
  previousCertificateId?: string
  alreadyInstalled?: boolean
  attempts: number
  errorCode?: string
  createdAt: string
}

/** A sync:status step or portal:operation event. */
export interface PortalProgress {
  event: string
  operation: PortalOperation
  done: number
  total: number
}

export interface CertFacts {
  id?: string
  commonName: string
  subject?: string
  notAfter: string
  sha1: string
  sha256: string
}

export interface Integration {
  id: string
  kind: string
  name: string
  version: string
  activeCertificateId: string | null
  activatedAt: string | null
  activatedBy: string | null
}

export interface IntegrationView extends Integration {
  active?: CertFacts
}

export interface ActivationPlan {
  integration: Integration
  old?: CertFacts
  new: CertFacts
  needsInstall: boolean
  path: string
}

export interface Successor {
  predecessor: CertFacts
  integration: { integrationId: string; kind: string; name: string }
}

export interface PortalEvent {
  id: string
  at: string
  actor: string
  action: string
  certificateId?: string
  integrationId?: string
  details: Record<string, unknown>
}
