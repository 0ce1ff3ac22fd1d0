// The shapes the Go side sends, as JSON. They mirror backend/certs,
// backend/report, backend/store, backend/portal and app: written by hand so
// that components never depend on the generated bindings, and so that they
// can say more than the generated classes (string unions, null, times as
// strings).
//
// They can't drift from Go: each interface that mirrors a generated class
// names it with `@go pkg.Type`, and types.test.ts compares its fields with
// frontend/wailsjs/go/models.ts (made by `make bindings`). A field the
// frontend adds itself is marked `@frontend`. The payloads of Go events,
// which models.ts doesn't describe when no bound method returns them, are
// marked `@event <name> <pkg.Type>`, for app's TestEventShapes to read.

/** A file's status, as decided by backend/certs. */
export type Status = 'valid' | 'expiring' | 'expired' | 'revoked' | 'not_yet_valid' | 'invalid' | 'locked' | 'unreadable'

export const STATUSES: readonly Status[] = ['valid', 'expiring', 'expired', 'revoked', 'not_yet_valid', 'invalid', 'locked', 'unreadable']

/** @go errs.Error */
export interface CodedError {
  code: string
  message: string
}

/** What the CA answered when asked whether a certificate is revoked (backend/revocation). */
export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not_checked'

/** @go certs.Revocation */
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

/** @go certs.Certificate */
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

/** @go certs.File */
export interface CertFile {
  path: string
  format?: string
  status: Status
  error?: CodedError
  encryption?: string
  hasPrivateKey: boolean
  keyMatchesCertificate: boolean
  certificate?: Certificate
  chain: Certificate[] | null
}

/**
 * @go local.ScanState
 * @event scan:started local.ScanState
 * @event scan:progress local.ScanState
 * @event unlock:progress local.ScanState
 */
export interface ScanState {
  running: boolean
  done: number
  /** The files found so far; it grows until counted. */
  total: number
  /** Every file is found: total is final. */
  counted: boolean
  path: string
}

/** @event scan:done local.ScanResult */
export interface ScanResult {
  /** A scan the user asked for; false for the rescan at start. */
  requested: boolean
  files: number
  cancelled: boolean
  error?: CodedError
  locked: string[] | null
}

/**
 * The background revocation check after a scan or a sync: 0 of N at the
 * start, then after the answers.
 * @event revocation:progress local.RevocationProgress
 */
export interface RevocationProgress {
  /** Numbers the checks; events may arrive out of order, so progress for a check that has ended is stale. */
  run: number
  done: number
  total: number
}

/** @event revocation:done local.RevocationResult */
export interface RevocationResult {
  run: number
  checked: number
  cancelled: boolean
}

/** @go local.UnlockResult */
export interface UnlockResult {
  file: CertFile
  remembered: boolean
  /** How many other locked files the password is now tried on (events unlock:progress, unlock:done). */
  others: number
}

/**
 * The end of trying a password on the other locked files.
 * @event unlock:done local.UnlockDone
 */
export interface UnlockDone {
  opened: number
  locked: number
  cancelled: boolean
}

/** @go store.Folder */
export interface Folder {
  path: string
  addedAt: string
}

/** @go i18n.Guide */
export interface Guide {
  id: string
  title: string
  available: boolean
}

/**
 * The portal's sign-in, outbox counts and sync times.
 * @go session.Status
 * @event sync:status session.Status
 */
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

/** @go session.InstallResult */
export interface InstallResult {
  path: string
  result: InstallOutcome
  code?: string
  operationId?: number
}

/** @go portal.Operation */
export interface PortalOperation {
  id: number
  kind: 'install' | 'activate'
  state: 'pending' | 'needs_password' | 'done' | 'failed'
  filename?: string
  path?: string
  certificateSha256?: string
  integrationId?: string
  /** The integration's version the activation was asked against. */
  ifMatch?: string
  certificateId?: string
  previousCertificateId?: string
  alreadyInstalled?: boolean
  attempts: number
  nextAttemptAt?: string
  errorCode?: string
  errorMessage?: string
  createdAt: string
  finishedAt?: string
  /** Install or Activate found this operation already asked for. */
  duplicate?: boolean
}

/**
 * A step of the outbox: queued, sent, done, failed...
 * @event portal:operation portal.Progress
 */
export interface PortalProgress {
  event: string
  operation: PortalOperation
  done: number
  total: number
}

/** @go session.CertFacts */
export interface CertFacts {
  id?: string
  commonName: string
  subject?: string
  notAfter: string
  sha1: string
  sha256: string
}

/** @go portal.Integration */
export interface Integration {
  id: string
  kind: string
  name: string
  version: string
  activeCertificateId: string | null
  activatedAt: string | null
  activatedBy: string | null
  /** Only in the answer to an activation. */
  previousCertificateId?: string
}

/** @go session.IntegrationView */
export interface IntegrationView extends Integration {
  active?: CertFacts
}

/** A certificate, by its SHA-256 or by a file of the overview. @go session.Ref */
export interface CertRef {
  sha256?: string
  path?: string
}

/** The one outcome of an activation, which the window only shows. @go session.Activation */
export interface Activation {
  result: 'activated' | 'unchanged' | 'pending' | 'needs_password' | 'failed'
  /** Why it failed (precondition_failed: someone changed the integration meanwhile). */
  code?: string
  message?: string
  integration: Integration
  old?: CertFacts
  new: CertFacts
  operation?: PortalOperation
}

/** @go session.ActivationPlan */
export interface ActivationPlan {
  integration: Integration
  old?: CertFacts
  new: CertFacts
  needsInstall: boolean
  path: string
  /** Exchange Online: nobody confirmed yet that Entra has the new certificate. */
  needsEntra: boolean
}

/**
 * An integration that uses a certificate.
 * @go portal.Usage
 */
export interface Usage {
  integrationId: string
  kind: string
  name: string
}

/** @go session.Successor */
export interface Successor {
  predecessor: CertFacts
  integration: Usage
}

/** @go portal.Event */
export interface PortalEvent {
  id: string
  at: string
  actor: string
  action: string
  certificateId?: string
  integrationId?: string
  details: Record<string, unknown>
}

/**
 * The "Remind me" setting: off, or daily at a time (HH:MM); reminders follow the warning window.
 * @go schedule.Setting
 */
export interface ReminderSetting {
  on: boolean
  at: string
  warnDays: number
}

/**
 * What a clicked reminder opens: an integration or a certificate, and a file of it on this PC.
 * @event remind:open remind.Target
 */
export interface RemindTarget {
  integrationId?: string
  sha256?: string
  path?: string
}

// --- The overview of the DPG solution (backend/overview) ------------------

/** How an integration stands. */
export type IntegrationState = 'ok' | 'expiring' | 'expired' | 'revoked' | 'no_certificate'

/** What to do next for an integration. */
export type NextStep = 'none' | 'activate' | 'install_and_activate' | 'register_entra' | 'renew' | 'wait' | 'fix'

/** Why a certificate needs attention (the third help guide). */
export type AttentionReason = 'no_successor' | 'not_installed' | 'oces2'

/** @go portal.Organization */
export interface Organization {
  cvr: string
  name: string
}

/** An integration's active certificate. @go overview.Active */
export interface ActiveCertificate {
  sha256: string
  commonName: string
  notAfter: string
  daysLeft: number
  portalId: string
}

/** The renewal of an integration's active certificate. @go overview.Successor */
export interface SuccessorCertificate {
  sha256: string
  inPortal: boolean
  files: string[]
  portalId: string | null
  commonName: string
  notAfter: string
  daysLeft: number
}

/** One integration of the DPG solution. @go overview.Integration */
export interface OverviewIntegration {
  id: string
  kind: string
  name: string
  state: IntegrationState
  nextStep: NextStep
  certificate: ActiveCertificate | null
  successor: SuccessorCertificate | null
  /** Sent as If-Match when activating. */
  version: string
  /** After an Exchange Online activation: remove the old certificate from Entra (until dismissed). */
  entraNote?: EntraNote
}

/** @go overview.EntraNote */
export interface EntraNote {
  oldSha1: string
  oldCommonName: string
  at: string
}

/** The answer to a thumbprint pasted from Entra. @go session.EntraCheck */
export interface EntraCheck {
  matched: boolean
  /** invalid_thumbprint or entra_thumbprint_mismatch. */
  code?: string
  /** The certificate the thumbprint belongs to, when the app knows it (often the old one). */
  known?: CertFacts
  message?: string
}

/** @go overview.Usage */
export interface CertificateUsage {
  integrationId: string
  kind: string
  name: string
}

/** A certificate's operation in the outbox. @go overview.Operation */
export interface CertificateOperation {
  kind: 'install' | 'activate'
  state: 'pending' | 'needs_password' | 'done' | 'failed'
  id: number
  errorCode?: string
}

/** One certificate, wherever it is: in DPG, in files here, or both. @go overview.Certificate */
export interface OverviewCertificate {
  sha256: string
  commonName: string
  cvr: string
  notAfter: string
  daysLeft: number
  status: Status
  inPortal: boolean
  portalId: string | null
  /** The local files that hold it, by path. */
  files: string[]
  usages: CertificateUsage[]
  operation: CertificateOperation | null
  sha1: string
  email: string
  uuid: string
  oces: string
  notBefore: string
  installedAt: string | null
  installedBy: string
  attention: AttentionReason[]
  /** The CA's last answer; not_checked when nobody asked. */
  revocation: Revocation
  /** The SHA-256 of the certificate that replaced it (a renewal in use, or in DPG and valid); null when not replaced. */
  replacedBy: string | null
  /** Since when it is replaced: the renewal's activation, else its notBefore. */
  replacedAt: string | null
  /** The name of the one that replaced it. */
  replacedByName?: string
  /** In DPG, used by no integration, replacing nothing and replaced by nothing. */
  notInUse: boolean
}

/**
 * One row of the list: a certificate, wherever it is, or a file whose
 * certificate is not known (locked, unreadable). What the columns show and
 * the search reads, no more; the details are fetched when it is opened.
 * @go overview.Row
 */
export interface Row {
  /** The certificate's SHA-256, or "file:" and the path of an unknown file. */
  key: string
  status: Status
  /** The local files that hold it; the first stands for it (the one an install takes, when there is one). Empty: only in DPG. */
  files: string[]
  /** files[0] is a .p12 with the certificate's own key, which the portal takes. */
  installable?: boolean
  inPortal?: boolean
  commonName?: string
  /** The address, when it is not the name. */
  email?: string
  organization?: string
  cvr?: string
  oces2?: boolean
  sha1?: string
  /** The serial number, from its file. */
  serial?: string
  /** Only for a certificate not yet valid ("valid from…"). */
  notBefore?: string
  notAfter?: string
  daysLeft: number
  /** The kinds of the integrations that use it, once each. */
  usages?: string[]
  operation?: CertificateOperation
  /** The entry has a reason to need attention. */
  attention?: boolean
  /** The code of why an unknown file shows no certificate. */
  error?: string
  /** Replaced: by which certificate (SHA-256) and its name, since when. Counted in no tile; shown on request. */
  replacedBy?: string
  replacedByName?: string
  replacedAt?: string
  /** In DPG, used by no integration, replacing nothing and replaced by nothing. */
  notInUse?: boolean
}

/**
 * The window's list, the DPG solution at a glance with a slim row per
 * certificate, as what changed since the list the window holds: the rows
 * new or changed and the keys of those gone, or all of it (full).
 * @go overview.Changes
 */
export interface ListChanges {
  /** Numbers the lists sent: the next load asks for the changes since it. */
  generation: number
  full: boolean
  syncedAt: string | null
  organization: Organization | null
  warnDays: number
  integrations: OverviewIntegration[]
  rows: Row[]
  removed: string[]
}

/** The team's mail channel (backend/remind). @go remind.EmailSettings */
export interface EmailSettings {
  /** smtp://[user@]host[:587] (STARTTLS) or smtps://[user@]host[:465]. */
  smtp: string
  from: string
  to: string[] | null
  /** da, en, or '' for the app's language. */
  lang: string
}

/** The team's webhook; its address is kept in the keychain (hasUrl). @go remind.WebhookSettings */
export interface WebhookSettings {
  url?: string
  format: 'teams' | 'slack' | 'json' | ''
  hasUrl?: boolean
}

/** The team's reminder channels, as the window and a server's config file keep them. @go remind.Settings */
export interface TeamSettings {
  email: EmailSettings
  webhook: WebhookSettings
  leadDays: number[] | null
  digest: boolean
  /** An integration's id, kind or name -> the address told about it. */
  contacts: Record<string, string> | null
}

/** @go remind.LastRunError */
export interface LastRunError {
  channel?: string
  code: string
  message?: string
}

/** What the last `dpgcerts check` did. @go remind.LastRun */
export interface LastRun {
  at: string
  exit: number
  ok: boolean
  sent: number
  errors?: LastRunError[]
}

/** The Reminders dialog's team channels, and the scheduled check's last run. @go channels.View */
export interface TeamView {
  settings: TeamSettings
  hasPassword: boolean
  keychain: boolean
  lastRun: LastRun | null
  /** The last run is more than two days old, or failed; or the check never ran in the two days since onSince. */
  stale: boolean
  /** When the daily check was turned on and registered, while it never ran. */
  onSince?: string | null
}

/** The dialog's form; an empty password or webhookUrl keeps the kept one. @go channels.Input */
export interface TeamInput {
  settings: TeamSettings
  password: string
  webhookUrl: string
  clearWebhook: boolean
}

/** What "Send a test message" did, in words. @go channels.TestResult */
export interface TeamTestResult {
  ok: boolean
  where: string
  text: string
  error?: CodedError
}
