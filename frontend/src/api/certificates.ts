// The wrapper over the bound app.Certificates struct.
import * as Certificates from '../../wailsjs/go/app/Certificates'
import { call } from './call'
import type { CertFile, Folder, ScanState, UnlockResult } from './types'

// The generated models are classes with the same fields; the casts only
// swap them for the plain interfaces in ./types.
export const certificates = {
  /** One file with its chain. */
  details: (path: string): Promise<CertFile> => call(() => Certificates.Details(path) as Promise<unknown> as Promise<CertFile>),
  /** Opens the file dialog and scans the picked files in the background; false when cancelled. */
  addFiles: (): Promise<boolean> => call(() => Certificates.AddFiles()),
  /** Scans dropped files in the background. */
  addPaths: (paths: string[]): Promise<boolean> => call(() => Certificates.AddPaths(paths)),
  /** Opens the folder dialog, remembers the folder and scans it; "" when cancelled. */
  scanFolder: (): Promise<string> => call(() => Certificates.ScanFolder()),
  rescan: (): Promise<void> => call(() => Certificates.Rescan()),
  cancelScan: (): Promise<void> => call(() => Certificates.CancelScan()),
  scanState: (): Promise<ScanState> => call(() => Certificates.ScanState() as Promise<unknown> as Promise<ScanState>),
  /** Opens a locked file; rejects with code wrong_password when it doesn't. */
  unlock: (path: string, password: string, remember: boolean): Promise<UnlockResult> =>
    call(() => Certificates.Unlock(path, password, remember) as Promise<unknown> as Promise<UnlockResult>),
  folders: (): Promise<Folder[]> => call(() => Certificates.Folders() as Promise<unknown> as Promise<Folder[]>),
  removeFolder: (path: string): Promise<void> => call(() => Certificates.RemoveFolder(path)),
  /** The export methods return the saved path, or "" when the dialog was cancelled. */
  exportCsv: (lang: string): Promise<string> => call(() => Certificates.ExportCSV(lang)),
  exportJson: (): Promise<string> => call(() => Certificates.ExportJSON()),
  exportIcs: (lang: string): Promise<string> => call(() => Certificates.ExportICS(lang)),
  openFileLocation: (path: string): Promise<void> => call(() => Certificates.OpenFileLocation(path)),
  /** Asks the CA now whether the file's certificate is revoked; returns the file as details() does. */
  checkRevocation: (path: string): Promise<CertFile> =>
    call(() => Certificates.CheckRevocation(path) as Promise<unknown> as Promise<CertFile>),
  /** Whether revocation is checked in the background after a scan (the setting). */
  revocationCheck: (): Promise<boolean> => call(() => Certificates.RevocationCheck()),
  setRevocationCheck: (on: boolean): Promise<void> => call(() => Certificates.SetRevocationCheck(on)),
  /** Whether the list shows the replaced certificates (the setting). */
  showReplaced: (): Promise<boolean> => call(() => Certificates.ShowReplaced()),
  setShowReplaced: (on: boolean): Promise<void> => call(() => Certificates.SetShowReplaced(on)),
  /** The warning window before expiry, in days (the setting). */
  warnDays: (): Promise<number> => call(() => Certificates.WarnDays()),
  /** Sets the warning window; resolves to the days kept (clamped to 1–365). */
  setWarnDays: (days: number): Promise<number> => call(() => Certificates.SetWarnDays(days)),
}
