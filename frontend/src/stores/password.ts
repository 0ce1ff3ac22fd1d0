import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { certificates as api, toApiError, type ScanState, type UnlockDone } from '@/api'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

// Locked files waiting for their password, asked one at a time.
export const usePasswordStore = defineStore('password', () => {
  const queue = ref<string[]>([])
  const wrong = ref(false)
  const busy = ref(false)

  const current = computed(() => queue.value[0] ?? null)
  // The try of a password that opened one file on the other locked files.
  const trying = ref<{ done: number; total: number } | null>(null)

  function ask(paths: string[]) {
    const fresh = paths.filter((p) => !queue.value.includes(p))
    queue.value = [...queue.value, ...fresh]
  }

  function next() {
    queue.value = queue.value.slice(1)
    wrong.value = false
  }

  /** Leaves every waiting file locked. */
  function skipAll() {
    queue.value = []
    wrong.value = false
  }

  function tryingProgress(s: ScanState) {
    trying.value = { done: s.done, total: s.total }
  }

  /** The password was tried on the other locked files: those it opened leave the queue. */
  async function othersDone(d: UnlockDone) {
    trying.value = null
    const certificates = useCertificatesStore()
    await certificates.load()
    const locked = certificates.lockedPaths()
    queue.value = queue.value.filter((p) => locked.has(p))
    if (d.opened > 0) useToastStore().info('password.alsoOpened', { n: d.opened })
  }

  /** Tries password on the current file. False (and wrong=true) when it doesn't open it. */
  async function submit(password: string, remember: boolean): Promise<boolean> {
    const path = current.value
    if (!path || busy.value) return false
    busy.value = true
    try {
      const res = await api.unlock(path, password, remember)
      if (remember && !res.remembered) useToastStore().info('password.notRemembered')
      if (res.others > 0) trying.value = { done: 0, total: res.others }
      next()
      await useCertificatesStore().load()
      return true
    } catch (err) {
      if (toApiError(err).code === 'wrong_password') {
        wrong.value = true
      } else {
        useToastStore().error(err)
        next()
      }
      return false
    } finally {
      busy.value = false
    }
  }

  return { queue, current, wrong, busy, trying, ask, next, skipAll, tryingProgress, othersDone, submit }
})
