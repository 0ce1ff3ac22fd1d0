// A fake Go side for store and component tests:
//
//   vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))
//
// then drive it through `fake` (the same object in the test and the mock).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { vi } from 'vitest'
import type * as Api from '@/api'
import { ApiError } from '@/api/call'
import type { CertFile, ListChanges, OverviewCertificate, OverviewIntegration, Row, TeamInput, TeamTestResult, TeamView } from '@/api/types'
import { file } from './files'

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

/** A file as the fake Go side holds it. */
export type FakeFile = CertFile

/** What Go's overview makes of the files and DPG's certificates (internal/overviewgolden). */
type GoOverview = { rows: Row[]; certificates: OverviewCertificate[] }

// vitest runs in frontend/ (its config's folder).
const repo = resolve(process.cwd(), '..') + '/'
const goldenDir = resolve(process.cwd(), 'src/test/golden') + '/'
let golden: Record<string, { output: GoOverview }> | undefined
let compute: string | undefined

/**
 * goOverview is Go's overview (overview.Build and overview.ListOf) of the
 * files and DPG's certificates, from golden/overview.golden.json, which
 * `make golden` writes with Go (internal/overviewgolden): the fake holds no
 * second implementation of it. With OVERVIEW_GOLDEN=record it asks Go
 * itself and keeps the input in golden/pending for `make golden`.
 */
function goOverview(files: CertFile[], dpg: OverviewCertificate[]): GoOverview {
  const input = JSON.stringify({ files, dpg, warnDays: fake.warnDays })
  const key = createHash('sha256').update(input).digest('hex').slice(0, 20)
  golden ??= JSON.parse(readFileSync(`${goldenDir}overview.golden.json`, 'utf8')) as Record<string, { output: GoOverview }>
  if (process.env.OVERVIEW_GOLDEN === 'record') {
    mkdirSync(`${goldenDir}pending`, { recursive: true })
    writeFileSync(`${goldenDir}pending/${key}.json`, input)
    if (!compute) {
      compute = `${repo}frontend/node_modules/.cache/overview-compute-${process.pid}`
      execFileSync('go', ['build', '-o', compute, './internal/overviewgolden/compute'], { cwd: repo })
    }
    return JSON.parse(execFileSync(compute, { input, encoding: 'utf8' })) as GoOverview
  }
  const hit = golden[key]
  if (!hit) throw new Error(`the fake has no Go overview of these files (${key}): run make golden`)
  return structuredClone(hit.output)
}

/** The entries Go builds (backend/overview) of files and DPG's certificates. */
export function entriesOf(files: FakeFile[], dpg: OverviewCertificate[] = []): { certificates: OverviewCertificate[] } {
  return { certificates: goOverview(files, dpg).certificates }
}

/** The list Go sends (overview.ListOf), all of it; the integrations are the test's. */
export function listOf(files: FakeFile[], dpg: OverviewCertificate[] = [], integrations: OverviewIntegration[] = []): ListChanges {
  return {
    generation: ++fake.generation,
    full: true,
    syncedAt: dpg.length || integrations.length ? '2026-11-26T09:00:00Z' : null,
    organization: null,
    warnDays: fake.warnDays,
    integrations,
    rows: goOverview(files, dpg).rows,
    removed: [],
  }
}

/**
 * n rows, each Go's row of one valid file with a key and a path of its own:
 * for tests of many rows (fake.rows), as the golden file holds small sets.
 */
export function manyRows(n: number): Row[] {
  const [one] = goOverview([file('/c/00000.p12', 'valid')], []).rows
  return Array.from({ length: n }, (_, i) => ({ ...one, key: String(i).padStart(64, '0'), files: [`/c/${String(i).padStart(5, '0')}.p12`] }))
}

export const fake = {
  files: [] as FakeFile[],
  /** Rows the list sends instead of Go's overview of files (manyRows). */
  rows: null as Row[] | null,
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
    list: vi.fn(async (_since: number): Promise<ListChanges> => {
      const list = listOf(fake.files, fake.dpg, fake.integrations)
      return fake.rows ? { ...list, rows: fake.rows } : list
    }),
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
    this.rows = null
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
