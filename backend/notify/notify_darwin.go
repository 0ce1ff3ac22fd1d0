package notify

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// scriptNotifier shows a notification with osascript's "display
// notification". The texts are arguments of the script, never part of it.
type scriptNotifier struct{ exe string }

func system() (Notifier, error) {
	exe, err := exec.LookPath("osascript")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return scriptNotifier{exe: exe}, nil
}

func (s scriptNotifier) Notify(ctx context.Context, m Message) error {
	cmd := exec.CommandContext(ctx, s.exe,
		"-e", "on run argv",
		"-e", "display notification (item 2 of argv) with title (item 1 of argv)",
		"-e", "end run",
		m.Title, m.Body)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("notify: osascript: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
