package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// TaskXML is the Task Scheduler definition (schema 1.2, Windows 7 and
// later), in UTF-16 with a byte-order mark as schtasks /xml reads it.
//   - No UserId: schtasks registers it for the user who runs it, with that
//     user's rights (LeastPrivilege, an interactive token: no password kept).
//   - StartWhenAvailable: a PC that was off at the time checks when it
//     starts; on battery it runs all the same.
//   - dpgcerts.exe is a GUI program: no console window opens.
func TaskXML(j Job) []byte {
	esc := xmlEscaper.Replace
	doc := `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Author>DPG Certificates</Author>
    <Description>Reminds of DPG certificates that expire, have expired or are not installed: dpgcerts check --notify. Turn it off under Reminders in DPG Certificates.</Description>
    <URI>\` + esc(TaskName) + `</URI>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2024-01-01T` + fmt.Sprintf("%02d:%02d:00", j.Hour, j.Minute) + `</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <ExecutionTimeLimit>PT10M</ExecutionTimeLimit>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>` + esc(j.Exe) + `</Command>
      <Arguments>` + esc(windowsArgs(j.Args)) + `</Arguments>
    </Exec>
  </Actions>
</Task>
`
	doc = strings.ReplaceAll(doc, "\n", "\r\n")
	u := utf16.Encode([]rune(doc))
	out := make([]byte, 2, 2+2*len(u))
	out[0], out[1] = 0xff, 0xfe
	for _, c := range u {
		out = append(out, byte(c), byte(c>>8))
	}
	return out
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")

// windowsArgs joins args as the C runtime splits a command line
// (syscall.EscapeArg's rules, here for any GOOS).
func windowsArgs(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\"") {
			quoted[i] = a
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		slashes := 0
		for _, r := range a {
			switch r {
			case '\\':
				slashes++
				continue
			case '"':
				b.WriteString(strings.Repeat(`\`, 2*slashes+1))
			default:
				b.WriteString(strings.Repeat(`\`, slashes))
			}
			slashes = 0
			b.WriteRune(r)
		}
		b.WriteString(strings.Repeat(`\`, 2*slashes))
		b.WriteByte('"')
		quoted[i] = b.String()
	}
	return strings.Join(quoted, " ")
}

// LaunchAgent is the macOS LaunchAgent for ~/Library/LaunchAgents. launchd
// runs a StartCalendarInterval job missed while the Mac slept when it wakes.
func LaunchAgent(j Job) []byte {
	esc := xmlEscaper.Replace
	var args strings.Builder
	for _, a := range append([]string{j.Exe}, j.Args...) {
		args.WriteString("\n\t\t<string>" + esc(a) + "</string>")
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>` + AgentLabel + `</string>
	<key>ProgramArguments</key>
	<array>` + args.String() + `
	</array>
	<key>StartCalendarInterval</key>
	<dict>
		<key>Hour</key>
		<integer>` + strconv.Itoa(j.Hour) + `</integer>
		<key>Minute</key>
		<integer>` + strconv.Itoa(j.Minute) + `</integer>
	</dict>
	<key>RunAtLoad</key>
	<false/>
	<key>ProcessType</key>
	<string>Background</string>
	<key>LimitLoadToSessionType</key>
	<string>Aqua</string>
</dict>
</plist>
`)
}

// SystemdUnits are the user service and its daily timer, for
// ~/.config/systemd/user. Persistent: a run missed while the PC was off
// happens when the timer next starts.
func SystemdUnits(j Job) (service, timer []byte) {
	words := make([]string, 0, 1+len(j.Args))
	for _, a := range append([]string{j.Exe}, j.Args...) {
		words = append(words, systemdQuote(a))
	}
	service = []byte(`[Unit]
Description=DPG Certificates: reminders of certificates that expire

[Service]
Type=oneshot
ExecStart=` + strings.Join(words, " ") + `
# Exit 1 means "something expires": a reminder, not a failed unit.
SuccessExitStatus=1 3 5
`)
	timer = []byte(`[Unit]
Description=DPG Certificates: the daily reminder

[Timer]
OnCalendar=*-*-* ` + fmt.Sprintf("%02d:%02d:00", j.Hour, j.Minute) + `
Persistent=true
Unit=` + UnitName + `.service

[Install]
WantedBy=timers.target
`)
	return service, timer
}

// systemdQuote quotes a word of ExecStart: double quotes, backslash
// escapes, and % doubled (systemd's specifiers).
func systemdQuote(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if s != "" && !strings.ContainsAny(s, " \t\"'\\;$") {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "$", "$$")
	return `"` + r.Replace(s) + `"`
}
