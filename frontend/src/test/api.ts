// A fake Go side for store and component tests:
//
//   vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))
//
// then drive it through `fake` (the same object in the test and the mock).
import { vi } from 'vitest'
import type * as Api from '@/api'
import type { CertFile, Overview } from '@/api/types'

type Handler = (data: unknown) => void

export const fake = {
  files: [] as CertFile[],
  handlers: new Map<string, Handler>(),
  app: {
    version: vi.fn(async () => 'v1.2.3'),
    language: vi.fn(async () => 'en'),
    setLanguage: vi.fn(async (_lang: string) => {}),
    messages: vi.fn(async () => ({})),
  },
  certificates: {
    overview: vi.fn(async (): Promise<Overview> => ({ scannedAt: '2026-11-26T10:00:00Z', warnDays: 30, files: fake.files })),
    details: vi.fn(async (path: string) => ({ ...fake.files.find((f) => f.path === path)!, chain: [] })),
    addFiles: vi.fn(async () => true),
    addPaths: vi.fn(async (_p: string[]) => true),
    scanFolder: vi.fn(async () => '/folder'),
    rescan: vi.fn(async () => {}),
    cancelScan: vi.fn(async () => {}),
    scanState: vi.fn(async () => ({ running: false, done: 0, total: 0, path: '' })),
    unlock: vi.fn(),
    folders: vi.fn(async () => [] as Api.Folder[]),
    removeFolder: vi.fn(async (_p: string) => {}),
    exportCsv: vi.fn(async (_l: string) => '/save/x.csv'),
    exportJson: vi.fn(async () => '/save/x.json'),
    exportIcs: vi.fn(async (_l: string) => '/save/x.ics'),
    exportCer: vi.fn(async (_p: string) => '/save/x.cer'),
    openFileLocation: vi.fn(async (_p: string) => {}),
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
    usages: vi.fn(async () => ({}) as Record<string, string[]>),
    integrations: vi.fn(async () => []),
    prepareActivation: vi.fn(),
    activate: vi.fn(),
    successors: vi.fn(async () => []),
    events: vi.fn(async () => []),
    operations: vi.fn(async () => []),
    supplyPassword: vi.fn(async () => {}),
    dismiss: vi.fn(async () => {}),
    cancel: vi.fn(async () => {}),
  },
  copyText: vi.fn(async (_t: string) => true),
  /** Sends a Go event to the frontend. */
  emit(name: string, data: unknown) {
    this.handlers.get(name)?.(data)
  },
  reset() {
    this.files = []
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
    copyText: fake.copyText,
    openUrl: vi.fn(),
    onFileDrop: () => () => {},
    onEvent: (name: string, h: Handler) => {
      fake.handlers.set(name, h)
      return () => fake.handlers.delete(name)
    },
  }
}
