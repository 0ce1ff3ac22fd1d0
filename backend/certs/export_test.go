package certs

// Exported for the external tests in this folder (collection_test.go),
// which run the command line and so can't be in package certs.
var (
	TestNow        = testNow
	RequireOpenSSL = requireOpenSSL
)
