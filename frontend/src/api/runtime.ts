// The wrapper over Wails' JavaScript runtime: events, file drops, the
// clipboard and the system browser. Outside the window (unit tests, a plain
// browser) each function quietly does nothing.
import * as runtime from '../../wailsjs/runtime/runtime'

function available(): boolean {
  return typeof window !== 'undefined' && 'runtime' in window
}

/** Listens to a Go event such as scan:progress; returns the function that stops listening. */
export function onEvent<T>(name: string, handler: (data: T) => void): () => void {
  if (!available()) return () => {}
  return runtime.EventsOn(name, (data: T) => handler(data))
}

/** Calls handler with the paths of files dropped onto the window. */
export function onFileDrop(handler: (paths: string[]) => void): () => void {
  if (!available()) return () => {}
  runtime.OnFileDrop((_x, _y, paths) => handler(paths), false)
  return () => runtime.OnFileDropOff()
}

/** Puts text on the clipboard: through Wails, else the browser's API. */
export async function copyText(text: string): Promise<boolean> {
  if (available()) {
    try {
      if (await runtime.ClipboardSetText(text)) return true
    } catch {
      // fall through to the browser's clipboard
    }
  }
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

/** Opens an http(s) link in the system's browser. */
export function openUrl(url: string): void {
  if (!/^https?:\/\//i.test(url)) return
  if (available()) runtime.BrowserOpenURL(url)
  else window.open(url, '_blank', 'noopener')
}
