package main

import (
	"strings"

	"github.com/danieljoos/wincred"

	"dpgcerts/backend/secrets"
)

// countEntries counts Credential Manager's generic credentials filed under
// the app's service (go-keyring names them "service:account").
func countEntries() (int, error) {
	list, err := wincred.FilteredList(secrets.Service + ":*")
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range list {
		if strings.HasPrefix(c.TargetName, secrets.Service+":") {
			n++
		}
	}
	return n, nil
}
