//go:build !linux && !windows && !darwin

package notify

func system() (Notifier, error) { return nil, ErrUnavailable }
