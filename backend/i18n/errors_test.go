package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"dpgcerts/backend/errs"
)

// TestEveryErrorCodeHasText fails when a code of backend/errs has no text
// errors.<code> in a language, or a text names a code that doesn't exist:
// the window shows every error through that text.
func TestEveryErrorCodeHasText(t *testing.T) {
	codes := map[string]bool{}
	for _, c := range errs.All {
		if codes[c] {
			t.Errorf("errs.All lists %q twice", c)
		}
		codes[c] = true
	}
	for _, lang := range Supported() {
		flat := flatLocale(t, lang)
		for c := range codes {
			if flat["errors."+c] == "" {
				t.Errorf("%s.json has no text errors.%s", lang, c)
			}
		}
		for id := range flat {
			if c, ok := strings.CutPrefix(id, "errors."); ok && !codes[c] {
				t.Errorf("%s.json: errors.%s is not a code of backend/errs", lang, c)
			}
		}
	}
}

// TestAllHasEveryCode parses backend/errs and fails when a code constant
// (a string constant whose value is a code: lower case words joined by _)
// is missing from errs.All, so the list can't drift from the constants.
func TestAllHasEveryCode(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../errs/errs.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	inAll := map[string]bool{}
	for _, c := range errs.All {
		inAll[c] = true
	}
	isCode := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	n := 0
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				if !isCode.MatchString(v) {
					continue // a message, not a code
				}
				n++
				if !inAll[v] {
					t.Errorf("errs.%s (%q) is not in errs.All", name.Name, v)
				}
			}
		}
	}
	if n != len(inAll) {
		t.Errorf("errs.go defines %d codes, errs.All lists %d", n, len(inAll))
	}
}
