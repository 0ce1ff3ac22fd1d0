// Package i18n translates the app's texts. It loads locales/<lang>.json with
// go-i18n and decides which language to show: the --lang flag, else the
// operating system's language, else English.
//
// The same JSON files feed the frontend (vue-i18n), so a placeholder is
// written {name} and filled in by Format.
//
// A count message has plural forms, written as go-i18n's plural object with
// the CLDR categories as keys: {"one": "1 file", "other": "{n} files"}. Go
// picks the form with Plural; the frontend turns the object into vue-i18n's
// "1 file | {n} files" when it loads the files (frontend/src/i18n). Flatten
// and Messages list the forms as id.one and id.other. TestCountMessagesArePlural
// fails on a count ({n}, {count}) without them.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"dpgcerts/locales"
)

// Default is the language used when nothing else is known.
const Default = "en"

// supported lists the languages there is a locales/<lang>.json for.
var supported = []string{"en", "da"}

// Supported returns the supported language codes, the default first.
func Supported() []string { return append([]string(nil), supported...) }

// Catalog holds the translations of every supported language.
type Catalog struct {
	localizers map[string]*goi18n.Localizer
	flat       map[string]map[string]string // lang -> message id -> text
}

// Load reads <lang>.json for every supported language from fsys.
func Load(fsys fs.FS) (*Catalog, error) {
	bundle := goi18n.NewBundle(language.English)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{
		localizers: make(map[string]*goi18n.Localizer, len(supported)),
		flat:       make(map[string]map[string]string, len(supported)),
	}
	for _, lang := range supported {
		name := lang + ".json"
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		if _, err := bundle.ParseMessageFileBytes(data, name); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		flat, err := Flatten(data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		c.flat[lang] = flat
	}
	for _, lang := range supported {
		c.localizers[lang] = goi18n.NewLocalizer(bundle, lang, Default)
	}
	return c, nil
}

// T returns the text of message id in lang. A message missing in lang falls
// back to English; a message missing everywhere returns id itself, so a gap
// shows up on screen rather than as an empty label.
func (c *Catalog) T(lang, id string) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[Default]
	}
	// A message found only in English comes back with a MessageNotFoundErr
	// for lang; the English text is what we want then.
	text, _ := loc.Localize(&goi18n.LocalizeConfig{MessageID: id})
	if text == "" {
		return id
	}
	return text
}

// Format is T with the {name} placeholders filled in from args.
func (c *Catalog) Format(lang, id string, args map[string]any) string {
	text := c.T(lang, id)
	if len(args) == 0 {
		return text
	}
	pairs := make([]string, 0, 2*len(args))
	for k, v := range args {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Plural is Format for a message with plural forms ({"one": ..., "other":
// ...}, the CLDR categories of lang): the form for count, with {count} and
// the {name} placeholders of args filled in.
func (c *Catalog) Plural(lang, id string, count int, args map[string]any) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[Default]
	}
	text, _ := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: count})
	if text == "" {
		return id
	}
	pairs := []string{"{count}", fmt.Sprint(count)}
	for k, v := range args {
		pairs = append(pairs, "{"+k+"}", fmt.Sprint(v))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// Messages returns every message of lang as a flat map from dotted id to
// text, with English filling any gap. The map is the caller's to keep.
func (c *Catalog) Messages(lang string) map[string]string {
	out := maps.Clone(c.flat[Default])
	if lang != Default {
		maps.Copy(out, c.flat[lang])
	}
	return out
}

// IDs returns the sorted message ids of lang.
func (c *Catalog) IDs(lang string) []string {
	ids := make([]string, 0, len(c.flat[lang]))
	for id := range c.flat[lang] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Flatten turns a nested JSON object of strings into a map from dotted key
// ("status.valid") to text. Any value that is neither an object nor a
// string is an error.
func Flatten(data []byte) (map[string]string, error) {
	var tree map[string]any
	if err := json.Unmarshal(data, &tree); err != nil {
		return nil, err
	}
	out := make(map[string]string)
	if err := flatten("", tree, out); err != nil {
		return nil, err
	}
	return out, nil
}

func flatten(prefix string, tree map[string]any, out map[string]string) error {
	return walk(prefix, tree, func(id string, v any) (bool, error) {
		switch v := v.(type) {
		case string:
			out[id] = v
			return false, nil
		case map[string]any:
			return true, nil
		default:
			return false, fmt.Errorf("%s: want a string or an object, got %T", id, v)
		}
	})
}

// walk calls visit with each entry of a translation tree and its id (the
// keys joined by dots, under prefix); it goes into an object when visit
// says so.
func walk(prefix string, tree map[string]any, visit func(id string, v any) (descend bool, err error)) error {
	for k, v := range tree {
		id := k
		if prefix != "" {
			id = prefix + "." + k
		}
		descend, err := visit(id, v)
		if err != nil {
			return err
		}
		if sub, ok := v.(map[string]any); ok && descend {
			if err := walk(id, sub, visit); err != nil {
				return err
			}
		}
	}
	return nil
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := Load(locales.FS)
	if err != nil {
		// The embedded files are checked by this package's tests.
		panic(err)
	}
	return c
})

// T returns the text of message id in lang from the embedded locales.
func T(lang, id string) string { return defaultCatalog().T(lang, id) }

// Format returns the text of message id in lang with {name} placeholders filled.
func Format(lang, id string, args map[string]any) string {
	return defaultCatalog().Format(lang, id, args)
}

// Plural returns the plural form of message id in lang for count, with
// {count} and the {name} placeholders filled.
func Plural(lang, id string, count int, args map[string]any) string {
	return defaultCatalog().Plural(lang, id, count, args)
}

// Messages returns the embedded messages of lang as a flat map.
func Messages(lang string) map[string]string { return defaultCatalog().Messages(lang) }
