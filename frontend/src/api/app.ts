// The wrapper over the bound app.App struct. Components and stores use this,
// never the generated bindings.
import * as App from '../../wailsjs/go/app/App'
import { call } from './call'

export const app = {
  /** The build's version, such as "v1.2.0" or "dev". */
  version: (): Promise<string> => call(() => App.Version()),
  /** The language the window starts in: --lang, else the last choice, else the OS language. */
  language: (): Promise<string> => call(() => App.Language()),
  /** Switches the language and remembers it for the next start. */
  setLanguage: (lang: string): Promise<void> => call(() => App.SetLanguage(lang)),
  /** Every message of lang, as a flat map from dotted id to text. */
  messages: (lang: string): Promise<Record<string, string>> => call(() => App.Messages(lang)),
  /** Whether a password or the token can be remembered: the keychain is on and answers. */
  keychain: (): Promise<boolean> => call(() => App.Keychain()),
}
