package session

// ServiceOf is the session's service for url, for the test that callers
// racing for it get one.
var ServiceOf = (*Session).service
