import { defineStore } from 'pinia'
import { computed, ref } from 'vue'

/** A file's status, as decided by backend/certs. */
export type Status = 'valid' | 'expiring' | 'expired' | 'not_yet_valid' | 'invalid' | 'locked' | 'unreadable'

/** The little the list needs so far; the scan issue fills in the rest. */
export interface CertFile {
  path: string
  status: Status
}

export const useCertificatesStore = defineStore('certificates', () => {
  const files = ref<CertFile[]>([])

  const counts = computed(() => {
    const c = { all: files.value.length, valid: 0, expiring: 0, expired: 0, attention: 0 }
    for (const f of files.value) {
      if (f.status === 'valid' || f.status === 'expiring' || f.status === 'expired') c[f.status]++
      else c.attention++
    }
    return c
  })

  const isEmpty = computed(() => files.value.length === 0)

  return { files, counts, isEmpty }
})
