import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  onEvent,
  portal as api,
  toApiError,
  type InstallResult,
  type PortalProgress,
  type PortalStatus,
} from '@/api'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

/** The full-window screens for account answers. */
export type AccountScreen = 'access-denied' | 'migration-required' | null

/** A file of an install dialog: its result once known. */
export interface InstallRow {
  path: string
  result: InstallResult['result'] | 'sending'
  code?: string
  operationId?: number
}

// The portal: sign-in, the outbox counts, multi-select installs and the
// account screens. Activations live in their dialog (UseForDialog).
export const usePortalStore = defineStore('portal', () => {
  const status = ref<PortalStatus | null>(null)
  const signInOpen = ref(false)
  const screen = ref<AccountScreen>(null)
  const selection = ref<string[]>([])
  const installRows = ref<InstallRow[] | null>(null)
  const installing = ref(false)
  const dropOffer = ref<string[] | null>(null)
  const useForPath = ref<string | null>(null)
  const passwordsOpen = ref(false)
  const opsOpen = ref(false)
  const missing = ref<string[]>([])
  let stops: Array<() => void> = []
  let lastCertSync = ''

  const signedIn = computed(() => !!status.value?.signedIn)
  const ready = computed(() => signedIn.value && !status.value?.account)
  const sessionExpired = computed(() => status.value?.account === 'unauthenticated')

  let lastAccount = ''
  function apply(st: PortalStatus) {
    status.value = st
    // A new account answer opens its screen once; "Back" keeps it closed.
    const account = st.account ?? ''
    if (account !== lastAccount) {
      if (account === 'not_registered') screen.value = 'access-denied'
      else if (account === 'migration_required') screen.value = 'migration-required'
      lastAccount = account
    }
    const certSync = st.certificatesSyncedAt ?? ''
    if (certSync !== lastCertSync) {
      lastCertSync = certSync
      void useCertificatesStore().load()
      void refreshMissing()
    }
  }

  async function refresh() {
    try {
      apply(await api.status())
    } catch (err) {
      console.error(err)
    }
  }

  async function refreshMissing() {
    try {
      missing.value = status.value?.signedIn ? await api.missing() : []
    } catch {
      missing.value = []
    }
  }

  async function init() {
    stops.push(onEvent<PortalStatus>('sync:status', apply))
    stops.push(
      onEvent<PortalProgress>('portal:operation', (p) => {
        const rows = installRows.value
        const op = p.operation
        if (!rows || op.kind !== 'install' || !op.path) return
        const row = rows.find((r) => r.path === op.path)
        if (!row) return
        if (op.state === 'done') row.result = op.alreadyInstalled ? 'already' : 'installed'
        else if (op.state === 'failed') {
          row.result = 'failed'
          row.code = op.errorCode
        }
      }),
    )
    await refresh()
  }

  function dispose() {
    stops.forEach((s) => s())
    stops = []
  }

  /**
   * Signs in. Account answers open their screens (and resolve false);
   * other errors reject for the dialog to show.
   */
  async function signIn(url: string, token: string, remember: boolean): Promise<boolean> {
    try {
      const st = await api.signIn(url, token, remember)
      screen.value = null
      apply(st)
      signInOpen.value = false
      void refreshMissing()
      return true
    } catch (err) {
      const code = toApiError(err).code
      if (code === 'not_registered' || code === 'migration_required') {
        screen.value = code === 'not_registered' ? 'access-denied' : 'migration-required'
        signInOpen.value = false
        await refresh()
        return false
      }
      throw err
    }
  }

  async function signOut() {
    try {
      apply(await api.signOut())
    } catch (err) {
      useToastStore().error(err)
    }
  }

  function openSignIn() {
    screen.value = null
    signInOpen.value = true
  }

  /** An account error from any call: its screen or the sign-in. */
  function handle(err: unknown): boolean {
    const code = toApiError(err).code
    if (code === 'not_registered') screen.value = 'access-denied'
    else if (code === 'migration_required') screen.value = 'migration-required'
    else if (code === 'unauthenticated' || code === 'no_token') signInOpen.value = true
    else return false
    void refresh()
    return true
  }

  function toggle(path: string) {
    const i = selection.value.indexOf(path)
    if (i >= 0) selection.value.splice(i, 1)
    else selection.value.push(path)
  }

  function clearSelection() {
    selection.value = []
  }

  /** Installs the files and shows each one's progress and result. */
  async function install(paths: string[]) {
    if (paths.length === 0 || installing.value) return
    if (!ready.value) {
      openSignIn()
      return
    }
    installRows.value = paths.map((path) => ({ path, result: 'sending' }))
    installing.value = true
    try {
      const results = await api.install(paths)
      installRows.value = results.map((r) => ({ path: r.path, result: r.result, code: r.code, operationId: r.operationId }))
      clearSelection()
    } catch (err) {
      installRows.value = null
      if (!handle(err)) useToastStore().error(err)
    } finally {
      installing.value = false
      await refresh()
      void useCertificatesStore().load()
      void refreshMissing()
    }
  }

  /** Gives the installs that wait for a password one; rejects with wrong_password. */
  async function installWithPassword(password: string) {
    const rows = installRows.value ?? []
    const waiting = rows.filter((r) => r.result === 'needs_password' && r.operationId)
    if (waiting.length === 0) return
    waiting.forEach((r) => (r.result = 'sending'))
    installing.value = true
    try {
      const results = await api.installWithPassword(
        waiting.map((r) => r.operationId!),
        password,
      )
      for (const res of results) {
        const row = rows.find((r) => r.operationId === res.operationId)
        if (row) Object.assign(row, { result: res.result, code: res.code })
      }
    } catch (err) {
      waiting.forEach((r) => (r.result = 'needs_password'))
      if (handle(err)) installRows.value = null
      else throw err
    } finally {
      installing.value = false
      await refresh()
      void useCertificatesStore().load()
    }
  }

  async function uploadExisting() {
    await refreshMissing()
    if (missing.value.length === 0) {
      useToastStore().info('portal.uploadNone')
      return
    }
    await install([...missing.value])
  }

  function closeInstall() {
    if (!installing.value) installRows.value = null
  }

  return {
    status,
    signInOpen,
    screen,
    selection,
    installRows,
    installing,
    dropOffer,
    useForPath,
    passwordsOpen,
    opsOpen,
    missing,
    signedIn,
    ready,
    sessionExpired,
    init,
    dispose,
    refresh,
    refreshMissing,
    signIn,
    signOut,
    openSignIn,
    handle,
    toggle,
    clearSelection,
    install,
    installWithPassword,
    uploadExisting,
    closeInstall,
  }
})
