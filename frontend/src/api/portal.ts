// The wrapper over the bound app.Portal struct.
import * as Portal from '../../wailsjs/go/app/Portal'
import { call } from './call'
import type {
  Activation,
  ActivationPlan,
  CertRef,
  EntraCheck,
  InstallResult,
  IntegrationView,
  ListChanges,
  OverviewCertificate,
  PortalEvent,
  PortalOperation,
  PortalStatus,
  Successor,
} from './types'

// The generated models are classes with the same fields; the casts only
// swap them for the plain interfaces in ./types.
const as = <T>(p: Promise<unknown>) => p as Promise<T>

export const portal = {
  status: (): Promise<PortalStatus> => call(() => as<PortalStatus>(Portal.Status())),
  /** Rejects with not_registered, migration_required, unauthenticated, insecure_url... */
  signIn: (url: string, token: string, remember: boolean): Promise<PortalStatus> =>
    call(() => as<PortalStatus>(Portal.SignIn(url, token, remember))),
  signOut: (): Promise<PortalStatus> => call(() => as<PortalStatus>(Portal.SignOut())),
  sync: (): Promise<void> => call(() => Portal.Sync()),
  /** Installs the files, each on its own; the results are in the order of paths. */
  install: (paths: string[]): Promise<InstallResult[]> => call(() => as<InstallResult[]>(Portal.Install(paths))),
  /** One more password for waiting installs; rejects with wrong_password when it opens none. */
  installWithPassword: (ids: number[], password: string): Promise<InstallResult[]> =>
    call(() => as<InstallResult[]>(Portal.InstallWithPassword(ids, password))),
  /** The overview's files whose certificate the portal lacks. */
  missing: (): Promise<string[]> => call(() => Portal.Missing()),
  uploadExisting: (): Promise<InstallResult[]> => call(() => as<InstallResult[]>(Portal.UploadExisting())),
  integrations: (refresh: boolean): Promise<IntegrationView[]> => call(() => as<IntegrationView[]>(Portal.Integrations(refresh))),
  /** The confirmation for a file's certificate, or one in DPG by its SHA-256. */
  prepareActivation: (integrationId: string, ref: CertRef): Promise<ActivationPlan> =>
    call(() => as<ActivationPlan>(Portal.PrepareActivation(integrationId, ref))),
  /** The outcome: failed with precondition_failed when the integration changed since version. */
  activate: (integrationId: string, ref: CertRef, version: string, skipEntraCheck = false): Promise<Activation> =>
    call(() => as<Activation>(Portal.Activate(integrationId, ref, version, skipEntraCheck))),
  /** Compares the thumbprint Entra shows with the certificate's; a match is remembered. */
  checkEntra: (ref: CertRef, thumbprint: string): Promise<EntraCheck> => call(() => as<EntraCheck>(Portal.CheckEntra(ref, thumbprint))),
  dismissEntraNote: (integrationId: string): Promise<void> => call(() => Portal.DismissEntraNote(integrationId)),
  successors: (ref: CertRef): Promise<Successor[]> => call(() => as<Successor[]>(Portal.Successors(ref))),
  /** The audit trail of a certificate; empty when DPG doesn't have it. */
  events: (ref: CertRef): Promise<PortalEvent[]> => call(() => as<PortalEvent[]>(Portal.Events(ref))),
  operations: (): Promise<PortalOperation[]> => call(() => as<PortalOperation[]>(Portal.Operations())),
  supplyPassword: (id: number, password: string): Promise<void> => call(() => Portal.SupplyPassword(id, password)),
  dismiss: (id: number): Promise<void> => call(() => Portal.Dismiss(id)),
  /**
   * The list: a slim row per certificate, in DPG and on this computer, and
   * the integrations (signed out, the local ones only), as the changes
   * since the list of generation since (0: all of it).
   */
  list: (since: number): Promise<ListChanges> => call(() => as<ListChanges>(Portal.List(since))),
  /** A row's details: the overview's entry of a certificate, by SHA-256. */
  entry: (sha256: string): Promise<OverviewCertificate> => call(() => as<OverviewCertificate>(Portal.Entry(sha256))),
  /** Saves the public certificate (.cer): the file's, or from DPG's record; "" when cancelled. */
  exportCer: (ref: CertRef): Promise<string> => call(() => Portal.ExportCer(ref)),
  /** Ends a pending or waiting operation; rejects with operation_ended when it has ended. */
  cancel: (id: number): Promise<void> => call(() => Portal.Cancel(id)),
}
