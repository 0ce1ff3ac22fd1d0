import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { certificates as api, portal, type CertFile } from '@/api'
import { useLocaleStore } from './locale'
import { useToastStore } from './toast'
import {
  countTiles,
  DEFAULT_SORT,
  matches,
  searchText,
  sortFiles,
  TILE_OF,
  type Sort,
  type SortKey,
  type Tile,
} from '@/utils/overview'

export type { Status } from '@/api'

/** The overview's export formats. */
export type ExportFormat = 'csv' | 'json' | 'ics'

// The overview: every cached file, the tile filter, the search and the
// sort. The tiles count all files; the list shows the filtered ones.
export const useCertificatesStore = defineStore('certificates', () => {
  // shallowRef: 10,000 files need no deep reactivity, only replacement.
  const files = shallowRef<CertFile[]>([])
  const warnDays = ref(30)
  const loaded = ref(false)
  const loadError = ref<unknown>(null)
  const filter = ref<Tile | null>(null)
  const query = ref('')
  const sort = ref<Sort>({ ...DEFAULT_SORT })
  const selectedPath = ref<string | null>(null)

  // Lower-cased search text per file, built once per load.
  const haystacks = computed(() => new Map(files.value.map((f) => [f.path, searchText(f)])))

  const counts = computed(() => countTiles(files.value))
  const isEmpty = computed(() => loaded.value && files.value.length === 0)

  const visible = computed(() => {
    const q = query.value.trim()
    const tile = filter.value
    const hay = haystacks.value
    const shown = files.value.filter(
      (f) => (!tile || TILE_OF[f.status] === tile) && (!q || matches(f, q, hay.get(f.path))),
    )
    return sortFiles(shown, sort.value)
  })

  const selected = computed(() => files.value.find((f) => f.path === selectedPath.value) ?? null)

  async function load() {
    try {
      // The usage badges come from the portal's offline copy, by SHA-256.
      const [ov, usages] = await Promise.all([api.overview(), portal.usages().catch(() => ({}) as Record<string, string[]>)])
      files.value = (ov.files ?? []).map((f) => {
        const usage = f.certificate ? usages[f.certificate.sha256.toLowerCase()] : undefined
        return usage ? { ...f, usage } : f
      })
      warnDays.value = ov.warnDays
      loadError.value = null
    } catch (err) {
      loadError.value = err
      useToastStore().error(err)
    } finally {
      loaded.value = true
    }
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

  function select(path: string | null) {
    selectedPath.value = path
  }

  /** One file with its chain; null (and a toast) when it can't be read. */
  async function details(path: string): Promise<CertFile | null> {
    try {
      return await api.details(path)
    } catch (err) {
      useToastStore().error(err)
      return null
    }
  }

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
    if (files.value.length === 0) {
      useToastStore().info('export.empty')
      return
    }
    const lang = useLocaleStore().lang
    await saved(() => (format === 'csv' ? api.exportCsv(lang) : format === 'ics' ? api.exportIcs(lang) : api.exportJson()))
  }

  /** Saves a file's public certificate (.cer). */
  const exportCer = (path: string) => saved(() => api.exportCer(path))

  async function openLocation(path: string) {
    try {
      await api.openFileLocation(path)
    } catch (err) {
      useToastStore().error(err)
    }
  }

  /** Asks the CA again about the file's certificate; null when it failed (the toast says why). */
  async function checkRevocation(path: string): Promise<CertFile | null> {
    try {
      const f = await api.checkRevocation(path)
      await load()
      return f
    } catch (err) {
      useToastStore().error(err)
      return null
    }
  }

  /** The setting for the background revocation checks; null when unknown. */
  async function revocationCheck(): Promise<boolean | null> {
    try {
      return await api.revocationCheck()
    } catch {
      return null
    }
  }

  async function setRevocationCheck(on: boolean): Promise<boolean> {
    try {
      await api.setRevocationCheck(on)
      return true
    } catch (err) {
      useToastStore().error(err)
      return false
    }
  }

  return {
    files,
    warnDays,
    loaded,
    loadError,
    filter,
    query,
    sort,
    selectedPath,
    counts,
    isEmpty,
    visible,
    selected,
    load,
    toggleFilter,
    sortBy,
    clearFilters,
    select,
    details,
    exportAs,
    exportCer,
    openLocation,
    checkRevocation,
    revocationCheck,
    setRevocationCheck,
  }
})
