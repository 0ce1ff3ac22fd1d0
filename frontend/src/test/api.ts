// A fake Go side for store and component tests:
//
//   vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))
//
// then drive it through `fake` (the same object in the test and the mock).
import { vi } from 'vitest'
import type * as Api from '@/api'
import { ApiError } from '@/api/call'
import type { CertFile, ListChanges, OverviewCertificate, OverviewIntegration, Row, TeamInput, TeamTestResult, TeamView } from '@/api/types'

/** The team's channels as the fake Go side starts: none set up, the check never ran. */
export function fakeTeam(): TeamView {
  return {
    settings: { email: { smtp: '', from: '', to: null, lang: '' }, webhook: { format: '' }, leadDays: null, digest: false, contacts: null },
    hasPassword: false,
    keychain: true,
    lastRun: null,
    stale: false,
  }
}

type Handler = (data: unknown) => void

/**
 * A file as the fake Go side holds it; usage: the kinds of the integrations that use its certificate in DPG;
 * replaced: what Go found replaced it (overview.Certificate.ReplacedBy).
 */
export type FakeFile = CertFile & { usage?: string[]; replaced?: { by: string; name: string; at: string } }

/**
 * The entries Go would build (backend/overview) of files and DPG's
 * certificates, in small: one entry per certificate by SHA-256, its files,
 * the status of its first file (or DPG's record). Files whose certificate
 * is not known are left over.
 */
export function entriesOf(files: FakeFile[], dpg: OverviewCertificate[] = []): { certificates: OverviewCertificate[]; unknown: CertFile[] } {
  const bySha = new Map<string, OverviewCertificate>()
  const unknown: CertFile[] = []
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const c = f.certificate
    if (!c || f.status === 'locked' || f.status === 'unreadable') {
      unknown.push(f)
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
      attention: [],
      revocation: { status: 'not_checked' },
      replacedBy: f.replaced?.by ?? null,
      replacedAt: f.replaced?.at ?? null,
      replacedByName: f.replaced?.name,
      notInUse: false,
    })
  }
  for (const d of dpg) {
    const e = bySha.get(d.sha256)
    bySha.set(d.sha256, e ? { ...d, files: e.files, status: e.status } : d)
  }
  return { certificates: [...bySha.values()], unknown }
}

/** The list Go would send (overview.ListOf), in small, all of it. */
export function listOf(files: FakeFile[], dpg: OverviewCertificate[] = [], integrations: OverviewIntegration[] = []): ListChanges {
  const byPath = new Map(files.map((f) => [f.path, f]))
  const takes = (p: string) => {
    const f = byPath.get(p)
    return !!f && f.format === 'pkcs12' && f.keyMatchesCertificate && f.status !== 'invalid'
  }
  const { certificates, unknown } = entriesOf(files, dpg)
  const rows: Row[] = certificates.map((e) => {
    const kinds = [...new Set(e.usages.map((u) => u.kind))]
    const i = e.files.findIndex(takes)
    const paths = i > 0 ? [e.files[i], ...e.files.filter((_, k) => k !== i)] : e.files
    return {
      key: e.sha256,
      status: e.status,
      files: paths,
      installable: i >= 0 || undefined,
      inPortal: e.inPortal || undefined,
      commonName: e.commonName,
      email: e.email.toLowerCase() === e.commonName.toLowerCase() ? undefined : e.email,
      organization: byPath.get(paths[0])?.certificate?.organization,
      serial: byPath.get(paths[0])?.certificate?.serialNumber,
      cvr: e.cvr,
      oces2: e.oces === 'oces2' || undefined,
      sha1: e.sha1,
      notBefore: e.status === 'not_yet_valid' ? e.notBefore : undefined,
      notAfter: e.notAfter,
      daysLeft: e.daysLeft,
      usages: kinds.length ? kinds : undefined,
      operation: e.operation ?? undefined,
      attention: e.attention.length > 0 || undefined,
      replacedBy: e.replacedBy ?? undefined,
      replacedByName: e.replacedBy ? e.replacedByName : undefined,
      replacedAt: e.replacedAt ?? undefined,
      notInUse: e.notInUse || undefined,
    }
  })
  for (const f of unknown) rows.push({ key: `file:${f.path}`, status: f.status, files: [f.path], daysLeft: 0, error: f.error?.code })
  return {
    generation: ++fake.generation,
    full: true,
    syncedAt: dpg.length || integrations.length ? '2026-11-26T09:00:00Z' : null,
    organization: null,
    warnDays: fake.warnDays,
    integrations,
    rows,
    removed: [],
  }
}

export const fake = {
  files: [] as FakeFile[],
  /** Certificates in DPG (the offline copy), and the integrations. */
  dpg: [] as OverviewCertificate[],
  integrations: [] as OverviewIntegration[],
  /** The warning window setting. */
  warnDays: 30,
  /** Whether the list shows the replaced certificates (a setting). */
  showReplaced: false,
  /** The last list's generation. */
  generation: 0,
  handlers: new Map<string, Handler>(),
  app: {
    version: vi.fn(async () => 'v1.2.3'),
    language: vi.fn(async () => 'en'),
    setLanguage: vi.fn(async (_lang: string) => {}),
    messages: vi.fn(async () => ({})),
    keychain: vi.fn(async () => true),
  },
  certificates: {
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
    openFileLocation: vi.fn(async (_p: string) => {}),
    checkRevocation: vi.fn(async (path: string) => ({ ...fake.files.find((f) => f.path === path)!, chain: [] })),
    revocationCheck: vi.fn(async () => true),
    setRevocationCheck: vi.fn(async (_on: boolean) => {}),
    setWarnDays: vi.fn(async (days: number) => (fake.warnDays = Math.min(Math.max(days, 1), 365))),
    warnDays: vi.fn(async () => fake.warnDays),
    showReplaced: vi.fn(async () => fake.showReplaced),
    setShowReplaced: vi.fn(async (on: boolean) => void (fake.showReplaced = on)),
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
    list: vi.fn(async (_since: number): Promise<ListChanges> => listOf(fake.files, fake.dpg, fake.integrations)),
    entry: vi.fn(async (sha256: string): Promise<OverviewCertificate> => {
      const e = entriesOf(fake.files, fake.dpg).certificates.find((c) => c.sha256 === sha256)
      if (!e) throw new ApiError('certificate_gone', 'The certificate is not in the overview.')
      return e
    }),
    exportCer: vi.fn(async (_ref: Api.CertRef) => '/save/x.cer'),
    checkEntra: vi.fn(),
    dismissEntraNote: vi.fn(async (_id: string) => {}),
    cancel: vi.fn(async () => {}),
  },
  reminders: {
    setting: vi.fn(async () => ({ on: true, at: '09:00', warnDays: 30 })),
    setSetting: vi.fn(async (on: boolean, at: string) => ({ on, at, warnDays: 30 })),
    team: vi.fn(async (): Promise<TeamView> => ({ ...fakeTeam(), settings: fakeTeam().settings })),
    setTeam: vi.fn(
      async (input: TeamInput): Promise<TeamView> => ({
        ...fakeTeam(),
        settings: { ...input.settings, webhook: { format: input.settings.webhook.format, hasUrl: !!input.webhookUrl || !!input.settings.webhook.hasUrl } },
        hasPassword: !!input.password,
      }),
    ),
    testTeam: vi.fn(async (_channel: string, _input: TeamInput): Promise<TeamTestResult> => ({ ok: true, where: 'smtp.kommune.dk', text: 'Delivered to smtp.kommune.dk.' })),
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
    this.showReplaced = false
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
