// The one door to the Go side. Components never import frontend/wailsjs.
export { app } from './app'
export { ApiError, INTERNAL, call, errorKey, toApiError } from './call'
