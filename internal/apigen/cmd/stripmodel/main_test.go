package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/qslocal/qslocal/internal/botocore"
)

func TestStrip(t *testing.T) {
	src := `{"version":1.0,"documentation":"<p>AWS text</p>","shapes":{"Z":{"type":"string","pattern":"^<a&b>$",
		"documentationUrl":"https://example.com"},"A":{"type":"structure","members":{"documentation":{"shape":"Z",
		"documentation":"gone"}}}},"list":[1e3,true,null,{}]}`
	want := `{
  "version": 1.0,
  "shapes": {
    "Z": {
      "type": "string",
      "pattern": "^<a&b>$"
    },
    "A": {
      "type": "structure",
      "members": {
        "documentation": {
          "shape": "Z"
        }
      }
    }
  },
  "list": [
    1e3,
    true,
    null,
    {}
  ]
}
`
	got, err := strip([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("strip =\n%s\nwant\n%s", got, want)
	}
	for _, bad := range []string{`{"a":1} {}`, `{"a":`, `[1,]`} {
		if _, err := strip([]byte(bad)); err == nil {
			t.Errorf("strip(%s) succeeded", bad)
		}
	}
}

// TestCommittedModelIsStripped checks the repository's copy: stripping it
// again changes nothing, so it holds no documentation and is in the form
// the refresh writes.
func TestCommittedModelIsStripped(t *testing.T) {
	root, err := botocore.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, filepath.FromSlash(botocore.ModelDir), "quicksight", "2018-04-01")
	for _, name := range kept {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		again, err := strip(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(again, b) {
			t.Errorf("%s differs from its stripped form: run go run ./internal/apigen/cmd/stripmodel", name)
		}
		for key := range dropped {
			if bytes.Contains(b, []byte(`"`+key+`": "`)) {
				t.Errorf("%s has documentation text (%s)", name, key)
			}
		}
	}
}
