// Package storetest opens the app's store for tests.
package storetest

import (
	"testing"

	"dpgcerts/backend/store"
)

// Open opens the store at path (store.Memory, or a file) and closes it when
// the test ends; a store that doesn't open ends the test.
func Open(t testing.TB, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
