// A fake Go side for store and component tests:
//
//   vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))
//
// then drive it through `fake` (the same object in the test and the mock).
import { vi } from 'vitest'
import type * as Api from '@/api'
import type { CertFile, Overview, OverviewCertificate, OverviewIntegration, SolutionOverview } from '@/api/types'

type Handler = (data: unknown) => void

/**
 * The overview Go would build (backend/overview) of files and DPG's
 * certificates, in small: one entry per certificate by SHA-256, its files,
 * the status of its first file (or DPG's record). Files whose certificate
 * is not known are entries of their own.
 */
export function solutionOf(files: CertFile[], dpg: OverviewCertificate[] = [], integrations: OverviewIntegration[] = []): SolutionOverview {
  const bySha = new Map<string, OverviewCertificate>()
  const unknown: SolutionOverview['files'] = []
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const c = f.certificate
    if (!c || f.status === 'locked' || f.status === 'unreadable') {
      unknown.push({ path: f.path, status: f.status, error: f.error ?? null })
      continue
    }
    const sha = c.sha256.toLowerCase()
    const e = bySha.get(sha)
    if (e) {
      e.files.push(f.path)
      continue
    }
    bySha.set(sha, {
      sha256: sha,
      commonName: c.commonName,
      cvr: c.cvr,
      notAfter: c.notAfter,
      notBefore: c.notBefore,
      daysLeft: c.daysLeft,
      status: f.status,
      inPortal: false,
      portalId: null,
      files: [f.path],
      usages: (f.usage ?? []).map((kind) => ({ integrationId: `int-${kind}`, kind, name: kind })),
      operation: null,
      sha1: c.sha1,
      email: c.email,
      uuid: c.uuid,
      oces: c.oces,
      installedAt: null,
      installedBy: '',
      attention: [], revocation: { status: 'not_checked' },
    })
  }
  for (const d of dpg) {
    const e = bySha.get(d.sha256)
    bySha.set(d.sha256, e ? { ...d, files: e.files, status: e.status } : d)
  }
  return {
    syncedAt: dpg.length || integrations.length ? '2026-11-26T09:00:00Z' : null,
    organization: null,
    warnDays: fake.warnDays,
    integrations,
    certificates: [...bySha.values()],
    files: unknown,
    tiles: { valid: 0, expiring: 0, invalid: 0, attention: 0 },
  }
}

export const fake = {
  files: [] as CertFile[],
  /** Certificates in DPG (the offline copy), and the integrations. */
  dpg: [] as OverviewCertificate[],
  integrations: [] as OverviewIntegration[],
  /** The warning window setting. */
  warnDays: 30,
  handlers: new Map<string, Handler>(),
  app: {
    version: vi.fn(async () => 'v1.2.3'),
    language: vi.fn(async () => 'en'),
    setLanguage: vi.fn(async (_lang: string) => {}),
    messages: vi.fn(async () => ({})),
  },
  certificates: {
    overview: vi.fn(async (): Promise<Overview> => ({ scannedAt: '2026-11-26T10:00:00Z', warnDays: fake.warnDays, files: fake.files })),
    details: vi.fn(async (path: string) => ({ ...fake.files.find((f) => f.path === path)!, chain: [] })),
    addFiles: vi.fn(async () => true),
    addPaths: vi.fn(async (_p: string[]) => true),
    scanFolder: vi.fn(async () => '/folder'),
    rescan: vi.fn(async () => {}),
    cancelScan: vi.fn(async () => {}),
    scanState: vi.fn(async () => ({ running: false, done: 0, total: 0, counted: false, path: '' })),
    unlock: vi.fn(),
    folders: vi.fn(async () => [] as Api.Folder[]),
    removeFolder: vi.fn(async (_p: string) => {}),
    exportCsv: vi.fn(async (_l: string) => '/save/x.csv'),
    exportJson: vi.fn(async () => '/save/x.json'),
    exportIcs: vi.fn(async (_l: string) => '/save/x.ics'),
    exportCer: vi.fn(async (_p: string) => '/save/x.cer'),
    openFileLocation: vi.fn(async (_p: string) => {}),
    checkRevocation: vi.fn(async (path: string) => ({ ...fake.files.find((f) => f.path === path)!, chain: [] })),
    revocationCheck: vi.fn(async () => true),
    setRevocationCheck: vi.fn(async (_on: boolean) => {}),
    setWarnDays: vi.fn(async (days: number) => (fake.warnDays = Math.min(Math.max(days, 1), 365))),
    warnDays: vi.fn(async () => fake.warnDays),
  },
  help: {
    guides: vi.fn(async (_lang: string) => [] as Api.Guide[]),
    guide: vi.fn(async (_lang: string, _id: string) => '# Guide\n\nText.'),
  },
  portal: {
    status: vi.fn(async () => ({ portal: 'https://portal.example', pending: 0, needsPassword: 0, failed: 0, done: 0, syncing: false, signedIn: false, sandbox: false, registerUrl: '', migrateUrl: '' })),
    signIn: vi.fn(),
    signOut: vi.fn(),
    sync: vi.fn(async () => {}),
    install: vi.fn(async (paths: string[]) => paths.map((path) => ({ path, result: 'installed' }))),
    installWithPassword: vi.fn(async () => []),
    missing: vi.fn(async () => [] as string[]),
    uploadExisting: vi.fn(async () => []),
    integrations: vi.fn(async () => []),
    prepareActivation: vi.fn(),
    activate: vi.fn(),
    successors: vi.fn(async () => []),
    events: vi.fn(async () => []),
    operations: vi.fn(async () => []),
    supplyPassword: vi.fn(async () => {}),
    dismiss: vi.fn(async () => {}),
    overview: vi.fn(async (): Promise<SolutionOverview> => solutionOf(fake.files, fake.dpg, fake.integrations)),
    prepareActivationOf: vi.fn(),
    activateCertificate: vi.fn(),
    certificateEvents: vi.fn(async () => []),
    exportCertificate: vi.fn(async (_sha: string) => '/save/x.cer'),
    cancel: vi.fn(async () => {}),
  },
  reminders: {
    setting: vi.fn(async () => ({ on: true, at: '09:00', warnDays: 30 })),
    setSetting: vi.fn(async (on: boolean, at: string) => ({ on, at, warnDays: 30 })),
  },
  copyText: vi.fn(async (_t: string) => true),
  /** Sends a Go event to the frontend. */
  emit(name: string, data: unknown) {
    this.handlers.get(name)?.(data)
  },
  reset() {
    this.files = []
    this.dpg = []
    this.integrations = []
    this.warnDays = 30
    this.handlers.clear()
    vi.clearAllMocks()
  },
}

export function mockApi(orig: typeof Api) {
  return {
    ...orig,
    app: fake.app,
    certificates: fake.certificates,
    help: fake.help,
    portal: fake.portal as unknown as typeof Api.portal,
    reminders: fake.reminders,
    copyText: fake.copyText,
    openUrl: vi.fn(),
    onFileDrop: () => () => {},
    onEvent: (name: string, h: Handler) => {
      fake.handlers.set(name, h)
      return () => fake.handlers.delete(name)
    },
  }
}
