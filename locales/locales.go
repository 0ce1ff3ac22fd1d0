// Package locales holds the translations shared by the Go side and the
// frontend: one JSON file per language with nested keys, and the help guides
// as Markdown files under guides/<lang>/.
//
// Conventions for messages, so that both go-i18n and vue-i18n read them alike:
//   - placeholders are written {name} (vue-i18n style; backend/i18n fills them);
//   - no key may be named id, description, hash, leftdelim, rightdelim, zero,
//     one, two, few, many, other or translation (go-i18n reserves them);
//   - avoid a literal @, | or { in text (vue-i18n syntax); write {'@'} if needed.
package locales

import "embed"

// FS holds en.json, da.json and guides/<lang>/*.md.
//
//go:embed *.json all:guides
var FS embed.FS
