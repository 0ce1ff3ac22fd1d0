package desktop

import "github.com/sqweek/dialog"

// showError shows a native message box (MessageBoxW) and waits for OK.
func showError(title, text string) {
	dialog.Message("%s", text).Title(title).Error()
}

// showInfo is showError with the information icon.
func showInfo(title, text string) {
	dialog.Message("%s", text).Title(title).Info()
}
