import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { certificates as api, portal, type CertFile, type ListChanges, type OverviewCertificate, type Row } from '@/api'
import { useLocaleStore } from './locale'
import { useToastStore } from './toast'
import { countRows, DEFAULT_SORT, isReplaced, matches, patchRows, searchText, sortRows, tilesOf, type Sort, type SortKey, type Tile } from '@/utils/overview'

export type { Status } from '@/api'

/** The overview's export formats. */
export type ExportFormat = 'csv' | 'json' | 'ics'

// The overview: one row per certificate (the list Go builds from the files
// here and DPG's offline copy: overview.Row), the tile filter, the search
// and the sort. The tiles count all rows, by the rule the filter uses; the
// list shows the filtered ones. A reload gets the rows that changed; a
// row's details are fetched on opening.
export const useCertificatesStore = defineStore('certificates', () => {
  // shallowRef: 10,000 rows need no deep reactivity, only replacement.
  // Its rows are the whole list, with every reload's changes applied.
  const list = shallowRef<ListChanges | null>(null)
  const warnDays = ref(30)
  const loaded = ref(false)
  const loadError = ref<unknown>(null)
  const filter = ref<Tile | null>(null)
  const query = ref('')
  const sort = ref<Sort>({ ...DEFAULT_SORT })
  const selectedKey = ref<string | null>(null)

  const rows = computed<Row[]>(() => list.value?.rows ?? [])
  const integrations = computed(() => list.value?.integrations ?? [])
  const syncedAt = computed(() => list.value?.syncedAt ?? null)

  // Lower-cased search text per row, kept for the rows a reload left alone.
  const texts = new WeakMap<Row, string>()
  function haystack(r: Row): string {
    let t = texts.get(r)
    if (t === undefined) texts.set(r, (t = searchText(r)))
    return t
  }

  const counts = computed(() => countRows(rows.value))
  /** The replaced certificates: in no tile, in the list only when showReplaced (a setting). */
  const replacedCount = computed(() => rows.value.reduce((n, r) => n + (isReplaced(r) ? 1 : 0), 0))
  const showReplaced = ref(false)
  let showReplacedAsked = false
  let showReplacedSet = false
  const isEmpty = computed(() => loaded.value && rows.value.length === 0 && integrations.value.length === 0)

  const visible = computed(() => {
    const q = query.value.trim()
    const tile = filter.value
    const shown = rows.value.filter(
      (r) =>
        (tile ? tilesOf(r).includes(tile) : showReplaced.value || !isReplaced(r)) && (!q || matches(r, q, haystack(r))),
    )
    return sortRows(shown, sort.value)
  })

  const selected = computed(() => rows.value.find((r) => r.key === selectedKey.value) ?? null)

  // One load at a time. A load asked while one runs is done once after it,
  // however many were asked (a bulk install asks for one per file): the
  // first answer shows as soon as it comes, the calls never race in Go,
  // and what changed meanwhile is in the next answer.
  let current: Promise<void> | null = null
  let next: Promise<void> | null = null
  function load(): Promise<void> {
    if (!current) {
      current = fetchList().finally(() => (current = null))
      return current
    }
    next ??= current.then(() => {
      next = null
      return load()
    })
    return next
  }

  async function fetchList() {
    if (!showReplacedAsked) {
      showReplacedAsked = true
      // Alongside the first list, not before it; a click meanwhile wins.
      api.showReplaced().then(
        (on) => void (showReplacedSet || (showReplaced.value = on)),
        () => {},
      )
    }
    try {
      const held = list.value
      const ch = await portal.list(held?.generation ?? 0)
      // What is held is always the whole list.
      list.value = ch.full || !held ? ch : { ...ch, full: true, removed: [], rows: patchRows(held.rows, ch.rows, ch.removed) }
      warnDays.value = ch.warnDays
      loadError.value = null
    } catch (err) {
      loadError.value = err
      useToastStore().error(err)
    } finally {
      loaded.value = true
    }
  }

  /** The file of a certificate that an install takes (a .p12 with its key), by SHA-256; undefined when none. */
  function installable(sha256: string): string | undefined {
    const r = rows.value.find((r) => r.key === sha256)
    return r?.installable ? r.files[0] : undefined
  }

  /** The paths of the locked files. */
  function lockedPaths(): Set<string> {
    return new Set(rows.value.filter((r) => r.status === 'locked').flatMap((r) => r.files))
  }

  /** Clicking a tile filters to it; clicking the active tile clears the filter. */
  function toggleFilter(tile: Tile) {
    filter.value = filter.value === tile ? null : tile
  }

  function sortBy(key: SortKey) {
    sort.value =
      sort.value.key === key ? { key, dir: sort.value.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }
  }

  function clearFilters() {
    filter.value = null
    query.value = ''
  }

  /** Opens a row's details, by its key (a SHA-256, or "file:" and a path). */
  function select(key: string | null) {
    selectedKey.value = key
  }

  /** What call returns; null, and a toast that says why, when it fails. */
  async function orNull<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call()
    } catch (err) {
      useToastStore().error(err)
      return null
    }
  }

  /** Whether call succeeded; a toast says why when it failed. */
  async function succeeds(call: () => Promise<unknown>): Promise<boolean> {
    const done = await orNull(async () => {
      await call()
      return true
    })
    return done ?? false
  }

  /** One file with its chain; null (and a toast) when it can't be read. */
  const details = (path: string): Promise<CertFile | null> => orNull(() => api.details(path))

  /** The overview's entry of a certificate, for a row's details; null (and a toast) when it can't be read. */
  const entry = (sha256: string): Promise<OverviewCertificate | null> => orNull(() => portal.entry(sha256))

  /** Runs a save dialog's call and says where the file went; "" means cancelled. */
  async function saved(fn: () => Promise<string>) {
    const toast = useToastStore()
    try {
      const file = await fn()
      if (file) toast.info('export.saved', { file })
    } catch (err) {
      toast.error(err)
    }
  }

  /** Exports the overview in the window's language. */
  async function exportAs(format: ExportFormat) {
    if (rows.value.every((r) => r.files.length === 0)) {
      // The exports are of the files here.
      useToastStore().info('export.empty')
      return
    }
    const lang = useLocaleStore().lang
    await saved(() => (format === 'csv' ? api.exportCsv(lang) : format === 'ics' ? api.exportIcs(lang) : api.exportJson()))
  }

  /** Saves a file's public certificate (.cer). */
  const exportCer = (path: string) => saved(() => portal.exportCer({ path }))

  /** Saves the public certificate (.cer) of a certificate in DPG, from its record. */
  const exportFromDpg = (sha256: string) => saved(() => portal.exportCer({ sha256 }))

  async function openLocation(path: string) {
    await orNull(() => api.openFileLocation(path))
  }

  /** Asks the CA again about the file's certificate; null when it failed (the toast says why). */
  function checkRevocation(path: string): Promise<CertFile | null> {
    return orNull(async () => {
      const f = await api.checkRevocation(path)
      await load()
      return f
    })
  }

  /** The setting for the background revocation checks; null when unknown. */
  async function revocationCheck(): Promise<boolean | null> {
    try {
      return await api.revocationCheck()
    } catch {
      return null
    }
  }

  /** Sets the warning window and reloads the overview judged with it; false on failure. */
  function setWarnDays(days: number): Promise<boolean> {
    return succeeds(async () => {
      warnDays.value = await api.setWarnDays(days)
      await load()
    })
  }

  /** Shows or hides the replaced certificates in the list, and remembers the choice; false on failure. */
  async function setShowReplaced(on: boolean): Promise<boolean> {
    const was = showReplaced.value
    showReplacedSet = true
    showReplaced.value = on
    // They are in no tile: a tile's filter would hide them again.
    if (on) filter.value = null
    const ok = await succeeds(() => api.setShowReplaced(on))
    if (!ok) showReplaced.value = was
    return ok
  }

  function setRevocationCheck(on: boolean): Promise<boolean> {
    return succeeds(() => api.setRevocationCheck(on))
  }

  return {
    list,
    rows,
    lockedPaths,
    integrations,
    syncedAt,
    selectedKey,
    installable,
    exportFromDpg,
    warnDays,
    loaded,
    loadError,
    filter,
    query,
    sort,
    counts,
    replacedCount,
    showReplaced,
    setShowReplaced,
    isEmpty,
    visible,
    selected,
    load,
    toggleFilter,
    sortBy,
    clearFilters,
    select,
    details,
    entry,
    exportAs,
    exportCer,
    openLocation,
    checkRevocation,
    revocationCheck,
    setRevocationCheck,
    setWarnDays,
  }
})
