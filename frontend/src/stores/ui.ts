import { defineStore } from 'pinia'
import { ref } from 'vue'
import { app, copyText, openUrl as open } from '@/api'

/**
 * The "Use for…" dialog: the file to activate, or the SHA-256 of a
 * certificate in DPG with no file here, and the integration when the offer
 * named one.
 */
export interface UseFor {
  path?: string
  sha256?: string
  integrationId?: string
}

// The window itself: which dialogs are open, and what the window does for
// the others (the system browser, the clipboard, the version). The areas'
// stores open dialogs here; App.vue shows them.
export const useUiStore = defineStore('ui', () => {
  const aboutOpen = ref(false)
  const helpOpen = ref(false)
  const foldersOpen = ref(false)
  const signInOpen = ref(false)
  /** The installs that wait for their file's password. */
  const passwordsOpen = ref(false)
  /** The outbox: pending and failed operations. */
  const operationsOpen = ref(false)
  /** The outbox opened from the failed chip: it goes to the first failed operation. */
  const operationsFocus = ref<'failed' | null>(null)
  function openOperations(focus: 'failed' | null = null) {
    operationsFocus.value = focus
    operationsOpen.value = true
  }
  const useFor = ref<UseFor | null>(null)
  /** Dropped certificate files offered for install, while signed in. */
  const dropOffer = ref<string[] | null>(null)
  const version = ref('')
  /** Whether "Remember in keychain" is offered: asked each time a dialog that offers it opens, until the keychain answers. */
  const keychain = ref(false)
  let keychainAsked: Promise<void> | null = null

  function openUseFor(path: string, integrationId?: string) {
    useFor.value = { path, integrationId }
  }

  /** "Use for…" of a certificate in DPG, by its SHA-256. */
  function openUseForCertificate(sha256: string, integrationId?: string) {
    useFor.value = { sha256, integrationId }
  }

  async function loadVersion() {
    version.value = await app.version().catch(() => 'dev')
  }

  // A keychain that is locked or not up yet may answer later: only a yes is kept.
  function probeKeychain(): Promise<void> {
    if (keychain.value) return Promise.resolve()
    keychainAsked ??= app
      .keychain()
      .then(
        (ok) => void (keychain.value = ok),
        () => void (keychain.value = false),
      )
      .finally(() => (keychainAsked = null))
    return keychainAsked
  }

  /** Opens an http(s) link in the system's browser. */
  function openUrl(url: string) {
    open(url)
  }

  /** Puts text on the clipboard; false when it couldn't. */
  function copy(text: string): Promise<boolean> {
    return copyText(text)
  }

  return {
    aboutOpen,
    helpOpen,
    foldersOpen,
    signInOpen,
    passwordsOpen,
    operationsOpen,
    operationsFocus,
    openOperations,
    useFor,
    dropOffer,
    version,
    keychain,
    probeKeychain,
    openUseFor,
    openUseForCertificate,
    loadVersion,
    openUrl,
    copy,
  }
})
