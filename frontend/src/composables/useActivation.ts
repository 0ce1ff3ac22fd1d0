import { ref } from 'vue'
import { portal as api, type ActivationPlan, type CertFacts, type CertRef, type IntegrationView } from '@/api'
import { codeMessageId, errorMessageId } from '@/i18n/errors'
import { useCertificatesStore } from '@/stores/certificates'
import { usePortalStore } from '@/stores/portal'
import { useToastStore } from '@/stores/toast'
import { useUiStore } from '@/stores/ui'

/** What to activate: a file, or a certificate in DPG by its SHA-256 (no file needed). */
export type ActivationTarget = CertRef

/**
 * The steps of "Use for…": pick an integration, then confirm. Exchange
 * Online's renewal has two steps before the confirmation, in this order:
 * install the new certificate in DPG, register it in Entra.
 */
export type ActivationStep = 'pick' | 'install' | 'entra' | 'confirm'

/** Why a pasted thumbprint was refused: a message id, and the certificate it belongs to when known. */
export interface EntraRefusal {
  key: string
  known?: CertFacts
}

/**
 * The activation of one certificate, for the "Use for…" dialog: pick an
 * integration, confirm with the old and the new certificate side by side,
 * activate. A 412 (precondition_failed: someone changed the integration
 * meanwhile) reloads the plan and asks again. For Exchange Online, the
 * certificate is installed in DPG and registered in Entra (the thumbprint
 * Entra shows, pasted back) before the confirmation; the escape hatch
 * skips the Entra check.
 *
 * kindName names an integration kind in the toasts. done is called when
 * the dialog should close.
 */
export function useActivation(target: string | ActivationTarget, kindName: (kind: string) => string, done: () => void) {
  const certRef: CertRef = typeof target === 'string' ? { path: target } : target.path ? { path: target.path } : { sha256: target.sha256 }
  const prepare = (id: string) => api.prepareActivation(id, certRef)
  const portal = usePortalStore()
  const certificates = useCertificatesStore()
  const ui = useUiStore()

  const step = ref<ActivationStep>('pick')
  const integrations = ref<IntegrationView[]>([])
  const plan = ref<ActivationPlan | null>(null)
  const busy = ref(false)
  /** The plan was reloaded after a 412: the confirmation says so. */
  const changed = ref(false)
  /** The message id of the error to show in the dialog. */
  const error = ref<string | null>(null)
  /** The message id of a state that is no failure (an install DPG hasn't answered yet). */
  const notice = ref<string | null>(null)
  /** Why the last thumbprint pasted from Entra was refused. */
  const entraRefused = ref<EntraRefusal | null>(null)
  /** The admin chose "Activate without checking Entra". */
  const skipEntra = ref(false)

  /** Starts at the integration when one is given, else at the list to pick from. */
  async function start(integrationId?: string) {
    if (integrationId) await choose(integrationId)
    else await loadIntegrations()
  }

  async function loadIntegrations() {
    busy.value = true
    try {
      integrations.value = await api.integrations(true)
    } catch (err) {
      if (!portal.handle(err)) useToastStore().error(err)
      done()
    } finally {
      busy.value = false
    }
  }

  /** The step the plan stands at: Exchange Online's install and Entra come first. */
  function stepOf(p: ActivationPlan): ActivationStep {
    if (p.integration.kind !== 'exchange_online') return 'confirm'
    if (p.needsInstall) return 'install'
    if (p.needsEntra && !skipEntra.value) return 'entra'
    return 'confirm'
  }

  /** Runs a step's call to DPG: busy meanwhile, and a failure shown in the dialog (or handled by the portal store, which closes it). */
  async function attempt(call: () => Promise<void>) {
    busy.value = true
    error.value = null
    try {
      await call()
    } catch (err) {
      fail(err)
    } finally {
      busy.value = false
    }
  }

  /** A failed call: the portal store handles what closes the dialog (signed out); the rest is shown in it. */
  function fail(err: unknown) {
    if (portal.handle(err)) done()
    else error.value = errorMessageId(err)
  }

  async function choose(id: string) {
    // Not through attempt: the step and busy change in the same tick, so
    // the step's button is enabled when it takes the focus.
    busy.value = true
    error.value = null
    try {
      plan.value = await prepare(id)
      step.value = stepOf(plan.value)
    } catch (err) {
      fail(err)
    } finally {
      busy.value = false
    }
  }

  /** Exchange Online's first step: the install in DPG, with today's password handling. */
  async function install() {
    const p = plan.value
    const path = certRef.path
    if (!p || !path || busy.value) return
    notice.value = null
    await attempt(async () => {
      const [r] = await api.install([path])
      if (r.result === 'needs_password') {
        void portal.refresh()
        ui.passwordsOpen = true
        done()
        return
      }
      if (r.result === 'pending') {
        // DPG hasn't answered yet: the outbox keeps sending it, and the card
        // says Register in Entra once DPG has it. Not a failure.
        void portal.refresh()
        notice.value = 'entra.installPending'
        return
      }
      if (r.result !== 'installed' && r.result !== 'already') {
        error.value = codeMessageId(r.code || 'internal')
        return
      }
      void certificates.load()
      busy.value = false
      await choose(p.integration.id)
    })
  }

  /** Exchange Online's second step: the thumbprint Entra shows, compared with the new certificate's. */
  async function confirmEntra(pasted: string) {
    const p = plan.value
    if (!p || busy.value) return
    entraRefused.value = null
    await attempt(async () => {
      const res = await api.checkEntra(certRef, pasted)
      if (!res.matched) {
        entraRefused.value = res.known ? { key: 'entra.mismatchKnown', known: res.known } : { key: codeMessageId(res.code || 'entra_thumbprint_mismatch') }
        return
      }
      busy.value = false
      await choose(p.integration.id)
    })
  }

  /** The escape hatch, after its warning: on to the confirmation without the Entra check. */
  function skipEntraCheck() {
    skipEntra.value = true
    entraRefused.value = null
    step.value = 'confirm'
  }

  async function activate() {
    const p = plan.value
    if (!p || busy.value) return
    changed.value = false
    await attempt(async () => {
      const out = await api.activate(p.integration.id, certRef, p.integration.version, skipEntra.value)
      if (out.result === 'failed' && out.code === 'precondition_failed') {
        // Someone changed it meanwhile: show the new state and ask again.
        try {
          plan.value = await prepare(p.integration.id)
          changed.value = true
        } catch (e2) {
          error.value = errorMessageId(e2)
        }
      } else if (out.result === 'failed') {
        error.value = codeMessageId(out.code || 'internal')
      } else {
        portal.showActivation(out, kindName)
        done()
      }
    })
  }

  /** Saves the public certificate, for Entra. */
  const exportCer = () => (certRef.path ? certificates.exportCer(certRef.path) : certificates.exportFromDpg(certRef.sha256!))

  return {
    step,
    integrations,
    plan,
    busy,
    changed,
    error,
    notice,
    entraRefused,
    skipEntra,
    start,
    choose,
    install,
    confirmEntra,
    skipEntraCheck,
    activate,
    exportCer,
  }
}
