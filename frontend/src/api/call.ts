// Every call into Go goes through call(): a rejected promise becomes an
// ApiError with a stable code, so components can show errors.<code>.

/** The code of anything unexpected. Its details go to the log, not the screen. */
export const INTERNAL = 'internal'

/** An error from the Go side, or from failing to reach it. */
export class ApiError extends Error {
  readonly code: string

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message || code, options)
    this.name = 'ApiError'
    this.code = code
  }
}

const CODE = /^[a-z][a-z0-9_]*$/

function fromObject(value: object, cause: unknown): ApiError | undefined {
  const { code, message } = value as { code?: unknown; message?: unknown }
  if (typeof code !== 'string' || !CODE.test(code)) return undefined
  return new ApiError(code, typeof message === 'string' ? message : '', { cause })
}

function fromJSON(text: string, cause: unknown): ApiError | undefined {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{')) return undefined
  try {
    const parsed: unknown = JSON.parse(trimmed)
    return parsed && typeof parsed === 'object' ? fromObject(parsed, cause) : undefined
  } catch {
    return undefined // not JSON: a plain message
  }
}

/**
 * Turns whatever a bound Go method rejected with into an ApiError.
 *
 * Go errors reach the frontend as the JSON text of {code, message}
 * (app.FormatError, set as Wails' ErrorFormatter), inside an Error.
 * Anything else, a bare string from Wails or a TypeError when the
 * bindings are missing (a plain browser), is internal.
 */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason
  if (typeof reason === 'string') {
    return fromJSON(reason, reason) ?? new ApiError(INTERNAL, reason.trim(), { cause: reason })
  }
  if (reason instanceof Error) {
    // Wails rejects with new Error(<what Go's ErrorFormatter gave>): Go
    // sends the JSON text, so the code is in the message.
    return (
      fromObject(reason, reason) ??
      fromJSON(reason.message, reason) ??
      new ApiError(INTERNAL, reason.message, { cause: reason })
    )
  }
  if (reason && typeof reason === 'object') {
    return fromObject(reason, reason) ?? new ApiError(INTERNAL, JSON.stringify(reason), { cause: reason })
  }
  return new ApiError(INTERNAL, String(reason), { cause: reason })
}

/** Runs one call into Go and rejects only with an ApiError. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (reason) {
    throw toApiError(reason)
  }
}

/** The translation id of an error code: errors.<code>, or errors.internal for a code not known to the translations. */
export function codeKey(code: string, known: (key: string) => boolean): string {
  const key = `errors.${code}`
  return CODE.test(code) && known(key) ? key : `errors.${INTERNAL}`
}

/** The translation id of an error: that of its code (see codeKey). */
export function errorKey(err: unknown, known: (key: string) => boolean): string {
  return codeKey(toApiError(err).code, known)
}
