// The wrapper over the bound app.Portal struct.
import * as Portal from '../../wailsjs/go/app/Portal'
import { call } from './call'
import type { ActivationPlan, InstallResult, IntegrationView, PortalEvent, PortalOperation, PortalStatus, Successor } from './types'

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
  /** SHA-256 (lower case) to integration kinds, from the offline copy. */
  usages: (): Promise<Record<string, string[]>> => call(() => Portal.Usages()),
  integrations: (refresh: boolean): Promise<IntegrationView[]> => call(() => as<IntegrationView[]>(Portal.Integrations(refresh))),
  prepareActivation: (integrationId: string, path: string): Promise<ActivationPlan> =>
    call(() => as<ActivationPlan>(Portal.PrepareActivation(integrationId, path))),
  /** Rejects with precondition_failed when the integration changed since version. */
  activate: (integrationId: string, path: string, version: string): Promise<PortalOperation> =>
    call(() => as<PortalOperation>(Portal.Activate(integrationId, path, version))),
  successors: (path: string): Promise<Successor[]> => call(() => as<Successor[]>(Portal.Successors(path))),
  events: (path: string): Promise<PortalEvent[]> => call(() => as<PortalEvent[]>(Portal.Events(path))),
  operations: (): Promise<PortalOperation[]> => call(() => as<PortalOperation[]>(Portal.Operations())),
  supplyPassword: (id: number, password: string): Promise<void> => call(() => Portal.SupplyPassword(id, password)),
  dismiss: (id: number): Promise<void> => call(() => Portal.Dismiss(id)),
  /** Ends a pending or waiting operation; rejects with operation_ended when it has ended. */
  cancel: (id: number): Promise<void> => call(() => Portal.Cancel(id)),
}
