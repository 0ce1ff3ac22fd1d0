import { defineStore } from 'pinia'
import { ref } from 'vue'
import { errorMessageId } from '@/i18n/errors'

export interface Toast {
  id: number
  kind: 'info' | 'error'
  /** A message id and its parameters: translated when shown, so a language switch changes it too. */
  key: string
  params?: Record<string, unknown>
  /** The help guide that explains an error. */
  guide?: string
}

const SHOW_MS = { info: 5000, error: 10000 }

// Short messages at the bottom of the window: saved files, scan results,
// errors (always as the translated errors.<code>, never a raw code).
export const useToastStore = defineStore('toast', () => {
  const toasts = ref<Toast[]>([])
  let next = 1

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  function show(t: Omit<Toast, 'id'>) {
    const id = next++
    toasts.value = [...toasts.value.slice(-2), { ...t, id }]
    setTimeout(() => dismiss(id), SHOW_MS[t.kind])
    return id
  }

  const info = (key: string, params?: Record<string, unknown>) => show({ kind: 'info', key, params })

  /** Shows the translation of an error's code, with a guide to read when one helps. */
  function error(err: unknown, guide = 'attention') {
    return show({ kind: 'error', key: errorMessageId(err), guide })
  }

  return { toasts, show, info, error, dismiss }
})
