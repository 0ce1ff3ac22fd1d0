// Package schedule registers the daily reminder, `dpgcerts check
// --notify`, with the OS scheduler of the user, without administrator
// rights: a Task Scheduler task on Windows (schtasks /create /xml), a
// LaunchAgent on macOS, a systemd user timer on Linux. The definitions
// are pure functions of a Job, so every platform's is tested on every
// platform; the Scheduler writes them and runs the OS's tools.
package schedule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Names the OS knows the reminder by.
const (
	// TaskName is the Windows task (the uninstaller deletes it by this name).
	TaskName = "DPG Certificates reminder"
	// AgentLabel is the macOS LaunchAgent's label and file name.
	AgentLabel = "dk.timengodpg.dpgcerts.reminder"
	// UnitName is the systemd user units' name (.service and .timer).
	UnitName = "dpgcerts-reminder"
)

// Job is what to run, and when.
type Job struct {
	// Exe is the absolute path of dpgcerts (on macOS the binary inside
	// the app bundle, on Windows dpgcerts.exe: a GUI program, so no
	// console window opens).
	Exe string
	// Args follow Exe: check --notify [--db FILE].
	Args []string
	// Hour and Minute are the local time of day.
	Hour, Minute int
}

var clock = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])$`)

// ParseTime reads "HH:MM" (24-hour, local).
func ParseTime(s string) (hour, minute int, err error) {
	m := clock.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, 0, fmt.Errorf("schedule: %q is not a time of day HH:MM", s)
	}
	hour, _ = strconv.Atoi(m[1])
	minute, _ = strconv.Atoi(m[2])
	return hour, minute, nil
}

// FormatTime is "09:00".
func FormatTime(hour, minute int) string { return fmt.Sprintf("%02d:%02d", hour, minute) }

// CheckArgs are the arguments of the reminder's run: the cache the window
// uses (db, "" for the default).
func CheckArgs(db string) []string {
	args := []string{"check", "--notify"}
	if db != "" {
		args = append(args, "--db", db)
	}
	return args
}

// Runner runs an OS tool; tests record instead.
type Runner func(ctx context.Context, name string, args ...string) error

// Exec runs the tool and returns its output with the error.
func Exec(ctx context.Context, name string, args ...string) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	hideWindow(cmd)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Scheduler registers the Job for one user.
type Scheduler struct {
	// GOOS picks the scheduler: windows, darwin or linux.
	GOOS string
	// Home is the user's home folder (os.UserHomeDir), where the macOS and
	// Linux definitions go.
	Home string
	// UID is the user's id, for launchctl's gui/UID domain.
	UID int
	// TempDir holds the Windows XML while schtasks reads it.
	TempDir string
	Run     Runner
}

// ErrUnsupported: no scheduler known for this OS.
var ErrUnsupported = errors.New("schedule: no scheduler for this system")

// Files are the definitions the Scheduler writes for j on its OS, by
// path (none on Windows: the task lives in Task Scheduler).
func (s Scheduler) Files(j Job) (map[string][]byte, error) {
	switch s.GOOS {
	case "windows":
		return map[string][]byte{}, nil
	case "darwin":
		return map[string][]byte{s.agentPath(): LaunchAgent(j)}, nil
	case "linux":
		svc, timer := SystemdUnits(j)
		dir := s.unitDir()
		return map[string][]byte{filepath.Join(dir, UnitName+".service"): svc, filepath.Join(dir, UnitName+".timer"): timer}, nil
	}
	return nil, ErrUnsupported
}

func (s Scheduler) agentPath() string {
	return filepath.Join(s.Home, "Library", "LaunchAgents", AgentLabel+".plist")
}

func (s Scheduler) unitDir() string { return filepath.Join(s.Home, ".config", "systemd", "user") }

// Install registers j, replacing an earlier registration.
func (s Scheduler) Install(ctx context.Context, j Job) error {
	files, err := s.Files(j)
	if err != nil {
		return err
	}
	if s.GOOS == "windows" {
		return s.installTask(ctx, j)
	}
	for path, data := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("schedule: %w", err)
		}
	}
	var runErr error
	switch s.GOOS {
	case "darwin":
		domain := "gui/" + strconv.Itoa(s.UID)
		_ = s.Run(ctx, "launchctl", "bootout", domain, s.agentPath()) // not loaded yet is fine
		runErr = s.Run(ctx, "launchctl", "bootstrap", domain, s.agentPath())
	case "linux":
		runErr = s.Run(ctx, "systemctl", "--user", "daemon-reload")
		if runErr == nil {
			runErr = s.Run(ctx, "systemctl", "--user", "enable", "--now", UnitName+".timer")
		}
	}
	if runErr != nil {
		// Half a registration would look like a reminder that never comes.
		_ = s.Remove(ctx)
		return fmt.Errorf("schedule: %w", runErr)
	}
	return nil
}

func (s Scheduler) installTask(ctx context.Context, j Job) error {
	dir := s.TempDir
	if dir == "" {
		dir = os.TempDir()
	}
	f, err := os.CreateTemp(dir, "dpgcerts-task-*.xml")
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(TaskXML(j))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	if err := s.Run(ctx, "schtasks", "/create", "/tn", TaskName, "/xml", f.Name(), "/f"); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	return nil
}

// Remove unregisters the reminder. Nothing registered is not an error.
func (s Scheduler) Remove(ctx context.Context) error {
	switch s.GOOS {
	case "windows":
		err := s.Run(ctx, "schtasks", "/delete", "/tn", TaskName, "/f")
		if err != nil {
			if installed, _ := s.Installed(ctx); installed {
				return fmt.Errorf("schedule: %w", err)
			}
		}
		return nil // deleted, or there was none
	case "darwin":
		path := s.agentPath()
		if _, err := os.Stat(path); err == nil {
			_ = s.Run(ctx, "launchctl", "bootout", "gui/"+strconv.Itoa(s.UID), path)
		}
		return removeFile(path)
	case "linux":
		timer := filepath.Join(s.unitDir(), UnitName+".timer")
		if _, err := os.Stat(timer); err == nil {
			// Without a user manager there is nothing to stop; the files go anyway.
			_ = s.Run(ctx, "systemctl", "--user", "disable", "--now", UnitName+".timer")
		}
		err := errors.Join(removeFile(timer), removeFile(filepath.Join(s.unitDir(), UnitName+".service")))
		_ = s.Run(ctx, "systemctl", "--user", "daemon-reload")
		return err
	}
	return ErrUnsupported
}

// Installed says whether the reminder is registered.
func (s Scheduler) Installed(ctx context.Context) (bool, error) {
	switch s.GOOS {
	case "windows":
		return s.Run(ctx, "schtasks", "/query", "/tn", TaskName) == nil, nil
	case "darwin", "linux":
		files, _ := s.Files(Job{})
		for path := range files {
			if _, err := os.Stat(path); err != nil {
				return false, nil
			}
		}
		return true, nil
	}
	return false, ErrUnsupported
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("schedule: %w", err)
	}
	return nil
}
