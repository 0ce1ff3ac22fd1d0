import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { certificates as api, toApiError } from '@/api'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

// Locked files waiting for their password, asked one at a time.
export const usePasswordStore = defineStore('password', () => {
  const queue = ref<string[]>([])
  const wrong = ref(false)
  const busy = ref(false)

  const current = computed(() => queue.value[0] ?? null)

  function ask(paths: string[]) {
    const fresh = paths.filter((p) => !queue.value.includes(p))
    queue.value = [...queue.value, ...fresh]
  }

  function next() {
    queue.value = queue.value.slice(1)
    wrong.value = false
  }

  /** Tries password on the current file. False (and wrong=true) when it doesn't open it. */
  async function submit(password: string, remember: boolean): Promise<boolean> {
    const path = current.value
    if (!path || busy.value) return false
    busy.value = true
    try {
      const res = await api.unlock(path, password, remember)
      if (remember && !res.remembered) useToastStore().info('password.notRemembered')
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

  return { queue, current, wrong, busy, ask, next, submit }
})
