// The one door to the Go side, for stores and composables. Components
// import only its types: they call stores (components/imports.test.ts).
export { app } from './app'
export { certificates } from './certificates'
export { help } from './help'
export { portal } from './portal'
export { reminders } from './reminders'
export { copyText, onEvent, onFileDrop, openUrl } from './runtime'
export { ApiError, INTERNAL, call, codeKey, errorKey, toApiError } from './call'
export type * from './types'
