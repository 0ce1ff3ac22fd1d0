// Command keychain is a TEST HARNESS for scripts/test-windows.sh, never part
// of a release. Cross-built for Windows, it fills and reads Credential
// Manager through the app's own backend/secrets, as the window's sign-in and
// "Remember in keychain" would, so the Wine test can check that the CLI finds
// them:
//
//	keychain token URL TOKEN   store the portal token for URL
//	keychain remember PASSWORD remember a password for locked files
//	keychain count             print how many entries start with dpgcerts
//	                           operation passwords included (Windows only)
package main

import (
	"fmt"
	"os"

	"dpgcerts/backend/portal"
	"dpgcerts/backend/secrets"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "keychain:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "token":
		u, err := portal.NormalizeURL(args[1])
		if err != nil {
			return err
		}
		return secrets.SetToken(u, args[2])
	case len(args) == 2 && args[0] == "remember":
		return secrets.RememberPassword(args[1])
	case len(args) == 1 && args[0] == "count":
		n, err := countEntries()
		if err != nil {
			return err
		}
		fmt.Println(n)
		return nil
	}
	return fmt.Errorf("usage: keychain token URL TOKEN | remember PASSWORD | count")
}
