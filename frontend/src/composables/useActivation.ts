import { ref } from 'vue'
import { portal as api, type ActivationPlan, type CertRef, type IntegrationView } from '@/api'
import { codeMessageId, errorMessageId } from '@/i18n/errors'
import { useCertificatesStore } from '@/stores/certificates'
import { usePortalStore } from '@/stores/portal'
import { useToastStore } from '@/stores/toast'

/** What to activate: a file, or a certificate in DPG by its SHA-256 (no file needed). */
export type ActivationTarget = CertRef

/** The steps of "Use for…": pick an integration, confirm, then the Entra reminder after Exchange Online. */
export type ActivationStep = 'pick' | 'confirm' | 'entra'

/**
 * The activation of one file, for the "Use for…" dialog: pick an
 * integration, confirm with the old and the new certificate side by side,
 * activate. A 412 (precondition_failed: someone changed the integration
 * meanwhile) reloads the plan and asks again. After Exchange Online, a
 * reminder to register the .cer in Entra ID.
 *
 * kindName names an integration kind in the toasts. done is called when
 * the dialog should close.
 */
export function useActivation(target: string | ActivationTarget, kindName: (kind: string) => string, done: () => void) {
  const certRef: CertRef = typeof target === 'string' ? { path: target } : target.path ? { path: target.path } : { sha256: target.sha256 }
  const prepare = (id: string) => api.prepareActivation(id, certRef)
  const portal = usePortalStore()
  const toast = useToastStore()
  const certificates = useCertificatesStore()

  const step = ref<ActivationStep>('pick')
  const integrations = ref<IntegrationView[]>([])
  const plan = ref<ActivationPlan | null>(null)
  const busy = ref(false)
  /** The plan was reloaded after a 412: the confirmation says so. */
  const changed = ref(false)
  /** The message id of the error to show in the dialog. */
  const error = ref<string | null>(null)

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
      if (!portal.handle(err)) toast.error(err)
      done()
    } finally {
      busy.value = false
    }
  }

  async function choose(id: string) {
    busy.value = true
    error.value = null
    try {
      plan.value = await prepare(id)
      step.value = 'confirm'
    } catch (err) {
      if (portal.handle(err)) done()
      else error.value = errorMessageId(err)
    } finally {
      busy.value = false
    }
  }

  async function activate() {
    const p = plan.value
    if (!p || busy.value) return
    busy.value = true
    error.value = null
    changed.value = false
    try {
      const out = await api.activate(p.integration.id, certRef, p.integration.version)
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
        if (out.result === 'activated' && p.integration.kind === 'exchange_online') step.value = 'entra'
        else done()
      }
    } catch (err) {
      if (portal.handle(err)) done()
      else error.value = errorMessageId(err)
    } finally {
      busy.value = false
    }
  }

  /** Saves the public certificate, for Entra. */
  const exportCer = () => (certRef.path ? certificates.exportCer(certRef.path) : certificates.exportFromDpg(certRef.sha256!))

  return { step, integrations, plan, busy, changed, error, start, choose, activate, exportCer }
}
