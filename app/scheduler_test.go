package app

// No test of this package reaches the OS scheduler: the Reminders they
// build keep the setting only (reminders.go).
func init() { osScheduler = nil }
