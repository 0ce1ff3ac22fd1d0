// The wrapper over the bound app.Help struct.
import * as Help from '../../wailsjs/go/app/Help'
import { call } from './call'
import type { Guide } from './types'

export const help = {
  /** The six guides in lang, with their titles. */
  guides: (lang: string): Promise<Guide[]> => call(() => Help.Guides(lang) as Promise<unknown> as Promise<Guide[]>),
  /** A guide's Markdown; rejects with code guide_missing while it doesn't exist. */
  guide: (lang: string, id: string): Promise<string> => call(() => Help.Guide(lang, id)),
}
