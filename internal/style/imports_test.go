// Package style holds the checks of the project's Go style that gofmt
// doesn't make: make test runs them with the other Go tests.
package style

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// kind orders the import groups: the standard library, then third-party
// modules, then dpgcerts (goimports -local dpgcerts).
func kind(path string) int {
	switch first := strings.Split(path, "/")[0]; {
	case first == "dpgcerts":
		return 2
	case strings.Contains(first, "."):
		return 1
	}
	return 0
}

var kindName = []string{"the standard library", "third-party modules", "dpgcerts"}

// TestImportGroups: every Go file imports in groups separated by a blank
// line, the standard library first, then third-party modules, then
// dpgcerts, each group once.
func TestImportGroups(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "frontend", "build", "artifacts", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		n++
		var kinds []int
		line := -1
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			at := fset.Position(spec.Pos()).Line
			if spec.Doc != nil {
				at = fset.Position(spec.Doc.Pos()).Line
			}
			k := kind(p)
			switch {
			case len(kinds) == 0 || at > line+1: // a new group
				if slices.Contains(kinds, k) || (len(kinds) > 0 && k < kinds[len(kinds)-1]) {
					t.Errorf("%s: %q starts a group of %s out of order (standard library, third-party, dpgcerts, each once)", path, p, kindName[k])
				}
				kinds = append(kinds, k)
			case k != kinds[len(kinds)-1]:
				t.Errorf("%s: %q (%s) is in a group of %s; put a blank line between", path, p, kindName[k], kindName[kinds[len(kinds)-1]])
			}
			line = fset.Position(spec.End()).Line
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Fatalf("read %d Go files; is the root %s?", n, root)
	}
}
