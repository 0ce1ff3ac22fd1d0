// The one door to the Go side. Components never import frontend/wailsjs.
export { app } from './app'
export { certificates } from './certificates'
export { help } from './help'
export { portal } from './portal'
export { copyText, onEvent, onFileDrop, openUrl } from './runtime'
export { ApiError, INTERNAL, call, codeKey, errorKey, toApiError } from './call'
export type * from './types'
