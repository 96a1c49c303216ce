// Command stripmodel refreshes the repository's copy of the AWS models
// (internal/apigen/model) from a published botocore model folder. It keeps
// every fact the generator and botocore clients use, and drops AWS's
// documentation text, which must not enter the repository.
//
//	go run ./internal/apigen/cmd/stripmodel [-from ../shared/aws-model] [-to internal/apigen/model]
//
// Paths are relative to the repository root. The output is deterministic
// (keys in the model's own order, two-space indentation), so running it
// again on the same input leaves no diff.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/qslocal/qslocal/internal/botocore"
)

// kept are the model files copied: what the generator reads and what
// botocore loads for a client (the endpoint rules; paginators and their
// extras, which the AWS CLI pages with). examples-1.json only feeds
// generated documentation.
var kept = []string{"service-2.json", "endpoint-rule-set-1.json", "paginators-1.json", "paginators-1.sdk-extras.json"}

// dropped are the keys holding documentation text.
var dropped = map[string]bool{"documentation": true, "documentationUrl": true}

func main() {
	from := flag.String("from", filepath.Join("..", "shared", "aws-model"), "published model folder (SERVICE/VERSION/*.json), relative to the repository root")
	to := flag.String("to", botocore.ModelDir, "folder to write the stripped copy to, relative to the repository root")
	flag.Parse()
	if err := run(*from, *to); err != nil {
		fmt.Fprintln(os.Stderr, "stripmodel:", err)
		os.Exit(1)
	}
}

func run(from, to string) error {
	root, err := botocore.RepoRoot(".")
	if err != nil {
		return err
	}
	if !filepath.IsAbs(from) {
		from = filepath.Join(root, from)
	}
	if !filepath.IsAbs(to) {
		to = filepath.Join(root, to)
	}
	n := 0
	err = filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.Contains(kept, d.Name()) {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		out, err := strip(src)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		dst := filepath.Join(to, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(dst, out, 0o644)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no model files (%v) under %s", kept, from)
	}
	return nil
}

// strip returns the JSON text src without its documentation members, with
// every other key in its original order and every number as written, in
// two-space indentation with a final newline.
func strip(src []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber() // "version": 1.0 stays 1.0
	var compact bytes.Buffer
	if err := copyValue(dec, &compact); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// copyValue copies the next value from dec to out, compact.
func copyValue(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return copyObject(dec, out)
		case '[':
			out.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					out.WriteByte(',')
				}
				if err := copyValue(dec, out); err != nil {
					return err
				}
			}
			_, err := dec.Token() // ']'
			out.WriteByte(']')
			return err
		}
		return fmt.Errorf("unexpected %v", t)
	case json.Number:
		out.WriteString(t.String())
	case nil:
		out.WriteString("null")
	default: // string, bool
		return writeJSON(out, t)
	}
	return nil
}

// copyObject copies an object whose '{' has been read, leaving out
// documentation strings. A documentation key whose value is not a string
// is a name (say, a structure member called documentation) and stays.
func copyObject(dec *json.Decoder, out *bytes.Buffer) error {
	out.WriteByte('{')
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var val bytes.Buffer
		if err := copyValue(dec, &val); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		if dropped[key] && val.Len() > 0 && val.Bytes()[0] == '"' {
			continue
		}
		if n > 0 {
			out.WriteByte(',')
		}
		n++
		if err := writeJSON(out, key); err != nil {
			return err
		}
		out.WriteByte(':')
		out.Write(val.Bytes())
	}
	_, err := dec.Token() // '}'
	out.WriteByte('}')
	return err
}

// writeJSON writes v as JSON without escaping <, > and &, which patterns use.
func writeJSON(out *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	out.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	return nil
}
