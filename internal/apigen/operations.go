package apigen

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// operations writes the Handler interface, its Unimplemented default, the
// HTTP binders, the route table and the error table.
func (g *gen) operations(b *bytes.Buffer) error {
	b.WriteString(`package api

import (
	"context"
	"net/http"

	"github.com/qslocal/qslocal/internal/shape"
)

// Operation is one route of the model.
type Operation struct {
	Name          string
	Method        string
	URI           string // the model's requestUri
	SuccessStatus int
	Errors        []string // error shapes the operation declares
	NewInput      func() Input
	Call          func(ctx context.Context, h Handler, in Input) (Output, error)
}

// Input is a request shape.
type Input interface {
	BindHTTP(r *http.Request, v *shape.Validator)
	Validate(v *shape.Validator)
}

// Output is a response shape.
type Output interface {
	SetResponseMeta(requestID string, status int32)
}

// ErrorShape describes an error shape of the model.
type ErrorShape struct {
	Status       int
	ResourceType bool // has a ResourceType member
	RequestID    bool // has a RequestId member
	Fault        bool // a server-side fault
}

`)
	ops := g.m.OperationNames()

	b.WriteString("// Handler carries out every operation of the model.\ntype Handler interface {\n")
	for _, name := range ops {
		op := g.m.Operations[name]
		fmt.Fprintf(b, "%s(ctx context.Context, in *%s) (*%s, error)\n", name, exported(op.Input.Shape), exported(op.Output.Shape))
	}
	b.WriteString("}\n\n")

	b.WriteString("// Unimplemented answers every operation with *shape.NotImplementedError;\n// embed it to implement Handler one operation at a time.\ntype Unimplemented struct{}\n\n")
	for _, name := range ops {
		op := g.m.Operations[name]
		fmt.Fprintf(b, "// %s is not implemented.\nfunc (Unimplemented) %s(context.Context, *%s) (*%s, error) {\nreturn nil, &shape.NotImplementedError{Operation: %q}\n}\n\n",
			name, name, exported(op.Input.Shape), exported(op.Output.Shape), name)
	}

	for _, name := range ops {
		if err := g.binder(b, g.m.Operations[name].Input.Shape); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	outputs := map[string]bool{}
	for _, name := range ops {
		outputs[g.m.Operations[name].Output.Shape] = true
	}
	outNames := make([]string, 0, len(outputs))
	for n := range outputs {
		outNames = append(outNames, n)
	}
	sort.Strings(outNames)
	for _, n := range outNames {
		g.responseMeta(b, n)
	}

	b.WriteString("// Operations is the route table, one entry per operation, sorted by name.\nvar Operations = []Operation{\n")
	for _, name := range ops {
		op := g.m.Operations[name]
		status := op.HTTP.ResponseCode
		if status == 0 {
			status = 200
		}
		in := exported(op.Input.Shape)
		fmt.Fprintf(b, "{\nName: %q,\nMethod: %q,\nURI: %q,\nSuccessStatus: %d,\n", name, op.HTTP.Method, op.HTTP.RequestURI, status)
		errs := make([]string, len(op.Errors))
		for i, e := range op.Errors {
			errs[i] = fmt.Sprintf("%q", e.Shape)
		}
		fmt.Fprintf(b, "Errors: []string{%s},\n", strings.Join(errs, ", "))
		fmt.Fprintf(b, "NewInput: func() Input { return new(%s) },\n", in)
		fmt.Fprintf(b, "Call: func(ctx context.Context, h Handler, in Input) (Output, error) {\nout, err := h.%s(ctx, in.(*%s))\nif out == nil || err != nil {\nreturn nil, err\n}\nreturn out, nil\n},\n},\n", name, in)
	}
	b.WriteString("}\n\n")

	var errNames []string
	for name, s := range g.m.Shapes {
		if s.Exception {
			errNames = append(errNames, name)
		}
	}
	sort.Strings(errNames)
	b.WriteString("// ErrorShapes describes every error shape of the model, by name.\nvar ErrorShapes = map[string]ErrorShape{\n")
	for _, name := range errNames {
		s := g.m.Shapes[name]
		if s.Error == nil || s.Error.HTTPStatusCode == 0 {
			return fmt.Errorf("error shape %s has no HTTP status", name)
		}
		has := func(m string) bool {
			for _, mem := range s.Members {
				if mem.Name == m {
					return true
				}
			}
			return false
		}
		fmt.Fprintf(b, "%q: {Status: %d, ResourceType: %t, RequestID: %t, Fault: %t},\n",
			name, s.Error.HTTPStatusCode, has("ResourceType"), has("RequestId"), s.Fault)
	}
	b.WriteString("}\n")
	return nil
}

// binder writes BindHTTP, which copies path labels and query parameters
// into the input; the JSON body is decoded separately.
func (g *gen) binder(b *bytes.Buffer, name string) error {
	s := g.m.Shapes[name]
	id := exported(name)
	fmt.Fprintf(b, "// BindHTTP copies the path labels and query parameters of r into s.\nfunc (s *%s) BindHTTP(r *http.Request, v *shape.Validator) {\n", id)
	hasQuery := false
	for _, mem := range s.Members {
		if mem.Location == "querystring" {
			hasQuery = true
		}
	}
	if hasQuery {
		b.WriteString("q := r.URL.Query()\n")
	}
	for _, mem := range s.Members {
		field := "s." + exported(mem.Name)
		key := mem.LocationName
		if key == "" {
			key = mem.Name
		}
		t := g.m.Shapes[mem.Shape]
		conv := func(expr string) string {
			if isEnum(t) {
				return "(*" + exported(mem.Shape) + ")(" + expr + ")"
			}
			return expr
		}
		switch mem.Location {
		case "uri":
			switch t.Type {
			case "string":
				fmt.Fprintf(b, "%s = %s\n", field, conv(fmt.Sprintf("shape.Path(r, %q)", key)))
			case "long":
				fmt.Fprintf(b, "%s = shape.PathInt64(r, %q, %q, v)\n", field, key, mem.Name)
			default:
				return fmt.Errorf("path label %s of type %s", mem.Name, t.Type)
			}
		case "querystring":
			switch t.Type {
			case "string":
				fmt.Fprintf(b, "%s = %s\n", field, conv(fmt.Sprintf("shape.Query(q, %q)", key)))
			case "integer":
				fmt.Fprintf(b, "%s = shape.QueryInt32(q, %q, %q, v)\n", field, key, mem.Name)
			case "long":
				fmt.Fprintf(b, "%s = shape.QueryInt64(q, %q, %q, v)\n", field, key, mem.Name)
			case "boolean":
				fmt.Fprintf(b, "%s = shape.QueryBool(q, %q, %q, v)\n", field, key, mem.Name)
			case "list":
				if g.m.Shapes[t.Member.Shape].Type != "string" || isEnum(g.m.Shapes[t.Member.Shape]) {
					return fmt.Errorf("query list %s of non-string items", mem.Name)
				}
				fmt.Fprintf(b, "%s = shape.QueryList(q, %q)\n", field, key)
			default:
				return fmt.Errorf("query member %s of type %s", mem.Name, t.Type)
			}
		}
	}
	b.WriteString("}\n\n")
	return nil
}

// responseMeta writes SetResponseMeta, which fills RequestId and a Status
// that the model puts in the body rather than on the status line.
func (g *gen) responseMeta(b *bytes.Buffer, name string) {
	s := g.m.Shapes[name]
	id := exported(name)
	fmt.Fprintf(b, "// SetResponseMeta fills the request id and body status of s.\nfunc (s *%s) SetResponseMeta(requestID string, status int32) {\n", id)
	used := false
	for _, mem := range s.Members {
		if mem.Location != "" {
			continue
		}
		switch {
		case strings.EqualFold(mem.Name, "RequestId"):
			fmt.Fprintf(b, "s.%s = &requestID\n", exported(mem.Name))
			used = true
		case mem.Name == "Status" && g.m.Shapes[mem.Shape].Type == "integer":
			fmt.Fprintf(b, "if s.Status == nil {\ns.Status = &status\n}\n")
			used = true
		}
	}
	if !used {
		b.WriteString("_, _ = requestID, status // this output carries neither\n")
	}
	b.WriteString("}\n\n")
}
