// The set-up that store and component tests share, so each test file starts
// from the same clean state. Use with the `@/api` mock (see ./api).
import { createPinia, setActivePinia } from 'pinia'
import { i18n } from '@/i18n'
import { fake } from './api'

/** Before each store test: a fresh active Pinia and an empty fake Go side. */
export function freshStores(): void {
  setActivePinia(createPinia())
  fake.reset()
}

/** Before each component test: an empty fake Go side, English, and no dialog
 *  left in the body by the test before (dialogs teleport there). */
export function freshScreen(): void {
  fake.reset()
  i18n.global.locale.value = 'en'
  document.body.innerHTML = ''
}

/** A fresh active Pinia and the mount options that install it with i18n;
 *  attached to the body, teleported dialogs can be found there. */
export function mountOptions(attach = true) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const global = { plugins: [pinia, i18n] }
  return attach ? { global, attachTo: document.body } : { global }
}
