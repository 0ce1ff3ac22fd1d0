import { ref, watch, type Ref } from 'vue'
import type { OverviewCertificate } from '@/api'
import { useCertificatesStore } from '@/stores/certificates'

/**
 * The overview's entry of the certificate sha256 gives (where it is, its
 * record in DPG, why it needs attention), for a row's details: fetched
 * when the details open, and again after each load of the list, which an
 * install or a sync brings. null while it loads, and without a sha256.
 * failed is set when it can't be read (the store toasts why).
 */
export function useEntry(sha256: () => string | undefined): { entry: Ref<OverviewCertificate | null>; failed: Ref<boolean> } {
  const certificates = useCertificatesStore()
  const entry = ref<OverviewCertificate | null>(null)
  const failed = ref(false)
  let asked = 0
  async function load() {
    const sha = sha256()
    const n = ++asked
    if (!sha) {
      entry.value = null
      return
    }
    const e = await certificates.entry(sha)
    if (n !== asked) return
    entry.value = e
    failed.value = !e
  }
  watch([sha256, () => certificates.list], load, { immediate: true })
  return { entry, failed }
}
