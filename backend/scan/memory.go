package scan

import "dpgcerts/backend/certs"

// readMemoryBudget bounds the memory that the reads of every scan in this
// process take for key derivation together: one scrypt file may take 128
// MiB, and there is a worker per core.
const readMemoryBudget = 256 << 20

// readMemory is shared by all scans, so two scans at once stay within the
// one budget.
var readMemory = certs.NewMemoryBudget(readMemoryBudget)
