//go:build !windows

package main

import "errors"

func countEntries() (int, error) { return 0, errors.New("count: Windows only") }
