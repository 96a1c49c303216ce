// Package botocore reads an AWS service model in botocore's JSON format
// (service-2.json), keeping member order as written so generated code is
// stable and reads like the model.
package botocore

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Model is a service model.
type Model struct {
	Metadata   Metadata              `json:"metadata"`
	Operations map[string]*Operation `json:"operations"`
	Shapes     map[string]*Shape     `json:"shapes"`
}

// Metadata is the model's metadata block.
type Metadata struct {
	APIVersion     string `json:"apiVersion"`
	EndpointPrefix string `json:"endpointPrefix"`
	Protocol       string `json:"protocol"`
	ServiceID      string `json:"serviceId"`
}

// Operation is one API operation.
type Operation struct {
	Name       string `json:"name"`
	HTTP       HTTP   `json:"http"`
	Input      *Ref   `json:"input"`
	Output     *Ref   `json:"output"`
	Errors     []Ref  `json:"errors"`
	Idempotent bool   `json:"idempotent"`
	Readonly   bool   `json:"readonly"`
}

// HTTP is an operation's HTTP binding.
type HTTP struct {
	Method       string `json:"method"`
	RequestURI   string `json:"requestUri"`
	ResponseCode int    `json:"responseCode"`
}

// Ref points at a shape, with the binding of a structure member.
type Ref struct {
	Shape            string `json:"shape"`
	Location         string `json:"location"` // "", "uri", "querystring", "header", "statusCode"
	LocationName     string `json:"locationName"`
	IdempotencyToken bool   `json:"idempotencyToken"`
}

// Shape is a named type of the model.
type Shape struct {
	Type      string     `json:"type"`
	Members   Members    `json:"members"`
	Required  []string   `json:"required"`
	Member    *Ref       `json:"member"`
	Key       *Ref       `json:"key"`
	Value     *Ref       `json:"value"`
	Enum      []string   `json:"enum"`
	Pattern   string     `json:"pattern"`
	Min       *float64   `json:"min"`
	Max       *float64   `json:"max"`
	Error     *ErrorInfo `json:"error"`
	Exception bool       `json:"exception"`
	Fault     bool       `json:"fault"`
	Document  bool       `json:"document"`
	Union     bool       `json:"union"`
	Sensitive bool       `json:"sensitive"`
}

// ErrorInfo is the error trait of an exception shape.
type ErrorInfo struct {
	HTTPStatusCode int `json:"httpStatusCode"`
}

// Member is a named structure member.
type Member struct {
	Name string
	Ref
}

// Members keeps structure members in model order.
type Members []Member

// UnmarshalJSON reads a JSON object member by member, preserving order.
func (ms *Members) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // '{'
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		m := Member{Name: tok.(string)}
		if err := dec.Decode(&m.Ref); err != nil {
			return fmt.Errorf("member %s: %w", m.Name, err)
		}
		*ms = append(*ms, m)
	}
	return nil
}

// IsRequired reports whether the structure lists name as required.
func (s *Shape) IsRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

// Load reads and checks a model file.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &m, nil
}

// check verifies every reference resolves, so generators can index freely.
func (m *Model) check() error {
	ref := func(where string, r *Ref) error {
		if r == nil {
			return fmt.Errorf("%s: missing shape reference", where)
		}
		if _, ok := m.Shapes[r.Shape]; !ok {
			return fmt.Errorf("%s: unknown shape %q", where, r.Shape)
		}
		return nil
	}
	for name, op := range m.Operations {
		if err := ref(name+" input", op.Input); err != nil {
			return err
		}
		if err := ref(name+" output", op.Output); err != nil {
			return err
		}
		for i := range op.Errors {
			if err := ref(name+" error", &op.Errors[i]); err != nil {
				return err
			}
		}
	}
	for name, s := range m.Shapes {
		for i := range s.Members {
			if err := ref(name+"."+s.Members[i].Name, &s.Members[i].Ref); err != nil {
				return err
			}
		}
		switch s.Type {
		case "list":
			if err := ref(name+" member", s.Member); err != nil {
				return err
			}
		case "map":
			if err := ref(name+" key", s.Key); err != nil {
				return err
			}
			if err := ref(name+" value", s.Value); err != nil {
				return err
			}
		}
	}
	return nil
}

// OperationNames returns the operation names sorted.
func (m *Model) OperationNames() []string {
	names := make([]string, 0, len(m.Operations))
	for n := range m.Operations {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ModelDir is the repository's copy of the AWS models, relative to the
// repository root, in botocore's data layout (SERVICE/VERSION/FILE), so
// that AWS_DATA_PATH can point botocore clients at it. It holds no
// documentation text: cmd/stripmodel refreshes it from a published model.
const ModelDir = "internal/apigen/model"

// ModelFile is the QuickSight model's path relative to the repository root.
const ModelFile = ModelDir + "/quicksight/2018-04-01/service-2.json"

// FindModel returns the path of the QuickSight model in the repository
// that contains dir.
func FindModel(dir string) (string, error) {
	root, err := RepoRoot(dir)
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, filepath.FromSlash(ModelFile))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("model not found at %s: %w", p, err)
	}
	return p, nil
}

// RepoRoot returns the directory holding go.mod at or above dir.
func RepoRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
		d = parent
	}
}
