import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import {
  onEvent,
  portal as api,
  toApiError,
  type Activation,
  type InstallOutcome,
  type PortalEvent,
  type PortalOperation,
  type PortalProgress,
  type OverviewIntegration,
  type PortalStatus,
  type Successor,
} from '@/api'
import { useCertificatesStore } from './certificates'
import { useHelpStore } from './help'
import { useToastStore } from './toast'
import { useUiStore } from './ui'

/** How long the overview waits to reload after a change, so that many changes make one reload. */
export const RELOAD_DELAY = 150

/** The full-window screens for account answers. */
export type AccountScreen = 'access-denied' | 'migration-required' | null

/** A file of an install dialog: its result once known. */
export interface InstallRow {
  path: string
  result: InstallOutcome | 'sending'
  code?: string
  operationId?: number
}

/** The portal's side of one file, for its details. */
export interface History {
  events: PortalEvent[]
  successors: Successor[]
  /** Integration id to kind, to name the integrations of the events. */
  kinds: Record<string, string>
}

/**
 * What a portal:operation event means for an install row: the outcome once
 * the operation has ended, null while it goes on.
 *
 * Go maps Install's and InstallWithPassword's results itself (app's
 * installResult); the event carries only the operation, so this one small
 * mapping stays for the rows' live progress.
 */
export function endedInstall(op: PortalOperation): { result: InstallOutcome; code?: string } | null {
  if (op.state === 'done') return { result: op.alreadyInstalled ? 'already' : 'installed', code: undefined }
  if (op.state === 'failed') return { result: 'failed', code: op.errorCode || 'internal' }
  return null
}

// The portal: sign-in, the outbox, multi-select installs, the account
// screens and the offline copy's answers. The activation flow is
// composables/useActivation; the dialogs' flags are in the UI store.
export const usePortalStore = defineStore('portal', () => {
  const ui = useUiStore()
  const status = ref<PortalStatus | null>(null)
  const screen = ref<AccountScreen>(null)
  /** The list rows picked for an install, by path. */
  const selection = ref(new Set<string>())
  const installRows = ref<InstallRow[] | null>(null)
  const installing = ref(false)
  const missing = ref<string[]>([])
  /** The outbox, as last loaded. */
  const operations = ref<PortalOperation[]>([])
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
      void refreshMissing()
    }
    // The overview follows the offline copy, the outbox and the sign-in.
    const seen = [st.signedIn, st.account, certSync, st.integrationsSyncedAt, st.pending, st.needsPassword, st.failed, st.done].join('|')
    if (seen !== lastSeen) {
      lastSeen = seen
      reloadSoon()
    }
  }

  // Reloads of the overview, at most one per moment: a bulk install sends
  // an event per file.
  let lastSeen = ''
  let reloadTimer: ReturnType<typeof setTimeout> | null = null
  function reloadSoon() {
    if (reloadTimer) return
    reloadTimer = setTimeout(() => {
      reloadTimer = null
      void useCertificatesStore().load()
    }, RELOAD_DELAY)
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
        // An operation that ended changes the rows ("In DPG", its state).
        if (p.operation.state === 'done' || p.operation.state === 'failed') reloadSoon()
        const rows = installRows.value
        const op = p.operation
        if (!rows || op.kind !== 'install' || !op.path) return
        const row = rows.find((r) => r.path === op.path)
        const ended = endedInstall(op)
        if (row && ended) Object.assign(row, ended)
      }),
    )
    await refresh()
  }

  function dispose() {
    stops.forEach((s) => s())
    stops = []
    if (reloadTimer) clearTimeout(reloadTimer)
    reloadTimer = null
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
      ui.signInOpen = false
      void refreshMissing()
      return true
    } catch (err) {
      const code = toApiError(err).code
      if (code === 'not_registered' || code === 'migration_required') {
        ui.signInOpen = false
        // The status first: the screen links to the forms of the portal just tried.
        await refresh()
        screen.value = code === 'not_registered' ? 'access-denied' : 'migration-required'
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
    ui.signInOpen = true
  }

  /** An account error from any call: its screen or the sign-in. */
  function handle(err: unknown): boolean {
    const code = toApiError(err).code
    if (code === 'not_registered') screen.value = 'access-denied'
    else if (code === 'migration_required') screen.value = 'migration-required'
    else if (code === 'unauthenticated' || code === 'no_token') ui.signInOpen = true
    else return false
    void refresh()
    return true
  }

  function toggle(path: string) {
    if (!selection.value.delete(path)) selection.value.add(path)
  }

  function selectAll(paths: string[]) {
    for (const p of paths) selection.value.add(p)
  }

  /** Unselects paths, or everything without them. */
  function clear(paths?: string[]) {
    if (!paths) selection.value.clear()
    else for (const p of paths) selection.value.delete(p)
  }

  /** Asks the background sync to run now. */
  async function sync() {
    try {
      await api.sync()
    } catch (err) {
      if (!handle(err)) useToastStore().error(err)
    }
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
      clear()
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

  /** Loads the outbox; toasts the error and keeps the last list when it can't. */
  async function loadOperations() {
    try {
      operations.value = await api.operations()
    } catch (err) {
      useToastStore().error(err)
    }
  }

  /** Dismisses a failed operation. */
  async function dismiss(id: number) {
    try {
      await api.dismiss(id)
      await loadOperations()
      await refresh()
    } catch (err) {
      useToastStore().error(err)
    }
  }

  /** Gives up a pending or waiting operation (its file and password are forgotten). */
  async function cancel(id: number) {
    try {
      await api.cancel(id)
    } catch (err) {
      useToastStore().error(err)
    }
    await loadOperations()
    await refresh()
  }

  /** Gives one waiting install its password; rejects (with wrong_password...) for the form to show. */
  async function supplyPassword(id: number, password: string) {
    await api.supplyPassword(id, password)
    useToastStore().info('portal.passwordAccepted')
    await loadOperations()
    await refresh()
    if (!operations.value.some((o) => o.state === 'needs_password')) ui.passwordsOpen = false
  }

  /** The file's audit trail and renewal offers, from the offline copy; empty when they can't be read. */
  async function history(path: string): Promise<History> {
    try {
      const [events, successors, ints] = await Promise.all([api.events({ path }), api.successors({ path }), api.integrations(false)])
      return { events, successors, kinds: Object.fromEntries(ints.map((i) => [i.id, i.kind])) }
    } catch (err) {
      console.error(err)
      return { events: [], successors: [], kinds: {} }
    }
  }

  /** The integration whose next step runs now, by id; null when none. */
  const stepping = ref<string | null>(null)

  /**
   * Does an integration's next step, from its card, through the flows the
   * rest of the window uses: the activation's confirmation (with If-Match)
   * for a successor in DPG; the install and the activation in one go for a
   * successor on this computer; the renewal guide; the outbox for an
   * operation that waits or failed.
   */
  async function runNextStep(i: OverviewIntegration, kindName: (kind: string) => string) {
    const toast = useToastStore()
    const certificates = useCertificatesStore()
    switch (i.nextStep) {
      case 'renew':
        useHelpStore().openPanel('renew-certificate')
        return
      case 'wait':
        ui.openOperations()
        return
      case 'fix':
        ui.openOperations('failed')
        return
      case 'activate':
      case 'register_entra':
        if (!ready.value) openSignIn()
        else if (i.successor) ui.openUseForCertificate(i.successor.sha256, i.id)
        return
      case 'install_and_activate':
        break
      default:
        return
    }
    if (!ready.value) {
      openSignIn()
      return
    }
    const path = i.successor ? certificates.installable(i.successor.sha256) : undefined
    if (!path || stepping.value) return
    if (i.kind === 'exchange_online') {
      // Three steps, each confirmed in the dialog: install, Entra, activate.
      ui.openUseFor(path, i.id)
      return
    }
    stepping.value = i.id
    try {
      // The session installs the file first, then activates it (If-Match: the version the card showed).
      const out = await api.activate(i.id, { path }, i.version)
      if (out.result === 'failed' && out.code === 'precondition_failed') toast.info('cards.changed', { integration: kindName(i.kind) })
      else if (out.result === 'failed') toast.error({ code: out.code || 'internal', message: out.message ?? '' })
      else showActivation(out, kindName)
    } catch (err) {
      if (!handle(err)) toast.error(err)
    } finally {
      stepping.value = null
      await refresh()
      void certificates.load()
      void refreshMissing()
    }
  }

  /**
   * Shows an activation's outcome the one way the window does: a toast
   * when it is done or queued for the sync, the passwords dialog when the
   * new file's install waits for its password. A failed one is the
   * caller's to show (in its dialog, or as a toast).
   */
  function showActivation(out: Activation, kindName: (kind: string) => string) {
    const toast = useToastStore()
    const integration = kindName(out.integration.kind)
    if (out.result === 'activated' || out.result === 'unchanged') toast.info('portal.activated', { integration, name: out.new.commonName })
    else if (out.result === 'pending') toast.info('portal.activationQueued', { integration })
    else if (out.result === 'needs_password') ui.passwordsOpen = true
    void refresh()
    void useCertificatesStore().load()
  }

  /** Dismisses the card's note to remove the old certificate from Entra. */
  async function dismissEntraNote(integrationId: string) {
    try {
      await api.dismissEntraNote(integrationId)
    } catch (err) {
      useToastStore().error(err)
    }
    void useCertificatesStore().load()
  }

  /** The audit trail of a certificate in DPG, by its SHA-256; empty when it can't be read. */
  async function certificateHistory(sha256: string): Promise<History> {
    try {
      const [events, ints] = await Promise.all([api.events({ sha256 }), api.integrations(false)])
      return { events, successors: [], kinds: Object.fromEntries(ints.map((i) => [i.id, i.kind])) }
    } catch (err) {
      console.error(err)
      return { events: [], successors: [], kinds: {} }
    }
  }

  return {
    certificateHistory,
    showActivation,
    dismissEntraNote,
    stepping,
    runNextStep,
    status,
    screen,
    selection,
    installRows,
    installing,
    missing,
    operations,
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
    selectAll,
    clear,
    sync,
    install,
    installWithPassword,
    uploadExisting,
    closeInstall,
    loadOperations,
    dismiss,
    cancel,
    supplyPassword,
    history,
  }
})
