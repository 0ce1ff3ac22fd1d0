import { defineStore } from 'pinia'
import { ref } from 'vue'
import { certificates as api, onEvent, type RevocationProgress, type RevocationResult } from '@/api'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

// The background revocation check that Go runs after a scan and after each
// portal sync: its progress (revocation:progress, 0 of N first) and its end
// (revocation:done), when the overview is read again. It runs on the scans'
// context, so Cancel is the scans' CancelScan.
export const useRevocationStore = defineStore('revocation', () => {
  const running = ref(false)
  const done = ref(0)
  const total = ref(0)
  const cancelling = ref(false)
  // The last check seen to end: its progress may still arrive afterwards
  // (wails dev sends each event on a goroutine of its own).
  let ended = 0
  let stop: Array<() => void> = []

  function progress(p: RevocationProgress) {
    if (p.run <= ended) return
    if (cancelling.value) return // no more counting once Cancel was pressed
    running.value = true
    done.value = p.done
    total.value = p.total
  }

  async function finished(res: RevocationResult) {
    ended = Math.max(ended, res.run)
    running.value = false
    done.value = 0
    total.value = 0
    cancelling.value = false
    // The answers are in the overview now (those of a cancelled check too).
    await useCertificatesStore().load()
    if (res.cancelled) useToastStore().info('revocation.cancelled')
  }

  function init() {
    stop.forEach((f) => f())
    stop = [
      onEvent<RevocationProgress>('revocation:progress', progress),
      onEvent<RevocationResult>('revocation:done', (r) => void finished(r)),
    ]
  }

  function dispose() {
    stop.forEach((f) => f())
    stop = []
  }

  /** Stops the check (and a scan under way: they share the context); revocation:done follows. */
  async function cancel() {
    cancelling.value = true
    try {
      await api.cancelScan()
    } catch (err) {
      cancelling.value = false
      useToastStore().error(err)
    }
  }

  return { running, done, total, cancelling, init, dispose, cancel, progress, finished }
})
