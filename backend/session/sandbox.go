package session

import (
	"dpgcerts/backend/portal/sandbox"
	"dpgcerts/backend/store"
)

// WithSandbox points opts at a new in-memory sandbox portal on a random
// loopback port (the window's --sandbox), pinned so sign-in can't leave
// it. The session's outbox and offline copy then live in an in-memory
// store, and its passwords out of the keychain: in the user's cache they
// would be orphaned once the sandbox stops. stop ends the sandbox and
// closes that store, after the session has stopped.
func WithSandbox(opts Options) (_ Options, stop func(), err error) {
	st, err := store.Open(store.Memory)
	if err != nil {
		return opts, nil, err
	}
	url, stopServer, err := sandbox.Serve(sandbox.Options{})
	if err != nil {
		st.Close()
		return opts, nil, err
	}
	opts.Pinned, opts.Store = url, st
	opts.Runtime.Keychain = false
	return opts, func() { stopServer(); st.Close() }, nil
}
