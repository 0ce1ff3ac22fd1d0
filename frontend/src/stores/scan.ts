import { defineStore } from 'pinia'
import { ref } from 'vue'
import { certificates as api, onEvent, onFileDrop, type Folder, type ScanResult, type ScanState, type UnlockDone } from '@/api'
import { useCertificatesStore } from './certificates'
import { usePasswordStore } from './password'
import { usePortalStore } from './portal'
import { useToastStore } from './toast'
import { useUiStore } from './ui'

/** The files a signed-in drop offers to install. */
const CERT_FILE = /\.(p12|pfx)$/i

// Adding files and folders, and the remembered folders. The scan runs in Go
// and reports through the events scan:started, scan:progress and scan:done.
export const useScanStore = defineStore('scan', () => {
  const running = ref(false)
  const done = ref(0)
  const total = ref(0)
  const counted = ref(false)
  /** Milliseconds since the scan started, at the last report: for the pace. */
  const elapsed = ref(0)
  let startedAt = 0
  const path = ref('')
  const cancelling = ref(false)
  const folders = ref<Folder[]>([])
  let stop: Array<() => void> = []

  function apply(s: ScanState) {
    running.value = s.running
    done.value = s.done
    total.value = s.total
    counted.value = s.counted
    path.value = s.path
    elapsed.value = s.running ? Date.now() - startedAt : 0
  }

  // The events come from several goroutines and may arrive out of order: a
  // progress event after the scan's end would show a finished scan as
  // running. Progress counts only between a start (or a scan found
  // running) and its end.
  let ended = false

  async function finished(res: ScanResult) {
    ended = true
    apply({ running: false, done: 0, total: 0, counted: false, path: '' })
    cancelling.value = false
    const toast = useToastStore()
    await useCertificatesStore().load()
    if (res.error) toast.error(res.error)
    else if (res.cancelled) toast.info('scan.cancelled')
    else if (res.requested) toast.info('scan.read', { n: res.files })
    const locked = res.locked ?? []
    if (locked.length > 0) usePasswordStore().ask(locked)
  }

  /** Listens to the scan events and picks up a scan already running (the background rescan). */
  async function init() {
    stop.forEach((f) => f())
    stop = [
      onEvent<ScanState>('scan:started', (s) => {
        ended = false
        startedAt = Date.now()
        apply({ ...s, running: true })
      }),
      onEvent<ScanState>('scan:progress', (s) => {
        if (!cancelling.value && !ended) apply({ ...s, running: true })
      }),
      onEvent<ScanResult>('scan:done', (r) => void finished(r)),
      // A password that opened one file, tried on the other locked files.
      onEvent<ScanState>('unlock:progress', (s) => usePasswordStore().tryingProgress(s)),
      onEvent<UnlockDone>('unlock:done', (d) => void usePasswordStore().othersDone(d)),
    ]
    try {
      const s = await api.scanState()
      if (s.running) {
        startedAt = Date.now()
        apply(s)
      }
    } catch {
      // outside the window
    }
  }

  function dispose() {
    stop.forEach((f) => f())
    stop = []
  }

  async function guard(fn: () => Promise<unknown>) {
    try {
      await fn()
    } catch (err) {
      useToastStore().error(err)
    }
  }

  const addFiles = () => guard(() => api.addFiles())
  const scanFolder = () => guard(() => api.scanFolder())
  const addPaths = (paths: string[]) => guard(() => api.addPaths(paths))
  const rescan = () => guard(() => api.rescan())

  async function cancel() {
    cancelling.value = true
    await guard(() => api.cancelScan())
  }

  /**
   * Reads the files dropped onto the window (Go reports the drop) and,
   * signed in, offers to install the certificate files among them.
   * dropped is told of each drop first. Returns the function that stops.
   */
  function listenForDrops(dropped: () => void = () => {}): () => void {
    return onFileDrop((paths) => {
      dropped()
      void addPaths(paths)
      const files = paths.filter((p) => CERT_FILE.test(p))
      if (usePortalStore().ready && files.length) useUiStore().dropOffer = files
    })
  }

  const loadFolders = () => guard(async () => (folders.value = await api.folders()))

  async function removeFolder(path: string) {
    await guard(async () => {
      await api.removeFolder(path)
      useToastStore().info('folders.removed')
      await Promise.all([loadFolders(), useCertificatesStore().load()])
    })
  }

  return {
    running,
    done,
    total,
    counted,
    elapsed,
    path,
    cancelling,
    folders,
    init,
    dispose,
    addFiles,
    scanFolder,
    addPaths,
    rescan,
    cancel,
    apply,
    finished,
    listenForDrops,
    loadFolders,
    removeFolder,
  }
})
