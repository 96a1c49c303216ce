package apigen

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"

	"github.com/qslocal/qslocal/internal/botocore"
)

// validators writes one validate method per structure that has
// constraints, and a Validate entry point for every operation input.
func (g *gen) validators(b *bytes.Buffer) error {
	b.WriteString("package api\n\nimport (\n\"github.com/qslocal/qslocal/internal/pattern\"\n\"github.com/qslocal/qslocal/internal/shape\"\n)\n\n")
	pats := map[string]bool{}
	for name := range g.inUse {
		if g.m.Shapes[name].Pattern != "" {
			pats[name] = true
		}
	}
	names := make([]string, 0, len(pats))
	for n := range pats {
		names = append(names, n)
	}
	sort.Strings(names)
	b.WriteString("// Patterns of the model, compiled with Java semantics.\nvar (\n")
	for _, n := range names {
		fmt.Fprintf(b, "pattern%s = pattern.MustCompile(%s)\n", exported(n), strconv.Quote(g.m.Shapes[n].Pattern))
	}
	b.WriteString(")\n\n")

	for _, name := range g.types {
		s := g.m.Shapes[name]
		if s.Type != "structure" || s.Document || !g.inUse[name] {
			continue
		}
		id := exported(name)
		if _, isInput := g.inputs[name]; isInput {
			fmt.Fprintf(b, "// Validate checks the request against the model's constraints.\nfunc (s *%s) Validate(v *shape.Validator) { s.validate(v, \"\") }\n\n", id)
		}
		if !g.needs[name] {
			if _, isInput := g.inputs[name]; isInput {
				fmt.Fprintf(b, "func (s *%s) validate(*shape.Validator, string) {}\n\n", id)
			}
			continue
		}
		fmt.Fprintf(b, "func (s *%s) validate(v *shape.Validator, path string) {\n", id)
		if s.Union {
			b.WriteString("n := 0\n")
			for _, mem := range s.Members {
				fmt.Fprintf(b, "if s.%s != nil { n++ }\n", exported(mem.Name))
			}
			b.WriteString("v.Union(path, n)\n")
		}
		for _, mem := range s.Members {
			field := "s." + exported(mem.Name)
			path := fmt.Sprintf("shape.Join(path, %q)", mem.Name)
			if s.IsRequired(mem.Name) {
				fmt.Fprintf(b, "v.Required(%s, %s != nil)\n", path, field)
			}
			target := g.memberShape(mem)
			if limit, ok := memberCaps[mem.Name]; ok && mem.Shape == "String" {
				fmt.Fprintf(b, "if %s != nil {\nv.Length(%s, *%s, -1, %d, false)\n}\n", field, path, field, int(limit))
				continue
			}
			if g.needs[target] {
				g.validateValue(b, field, target, path, true, 0)
			}
		}
		b.WriteString("}\n\n")
	}
	return nil
}

// memberShape is the shape whose constraints a member gets. One departure
// from the model: an account path label left as a plain String (DeleteAgent)
// gets the AwsAccountId shape, since every AWS account id is 12 digits.
func (g *gen) memberShape(mem botocore.Member) string {
	if mem.Location == "uri" && mem.Name == "AwsAccountId" && mem.Shape == "String" {
		if _, ok := g.m.Shapes["AwsAccountId"]; ok {
			return "AwsAccountId"
		}
	}
	return mem.Shape
}

// validateValue writes the checks of one value. expr is a pointer when ptr
// is true (members), a value otherwise (list and map elements).
func (g *gen) validateValue(b *bytes.Buffer, expr, name, path string, ptr bool, depth int) {
	s := g.m.Shapes[name]
	val := expr
	if ptr {
		val = "*" + expr
	}
	guard := func(body func()) {
		if ptr {
			fmt.Fprintf(b, "if %s != nil {\n", expr)
			body()
			b.WriteString("}\n")
		} else {
			body()
		}
	}
	bound := func(p *float64) string {
		if p == nil {
			return "-1"
		}
		return strconv.Itoa(int(*p))
	}
	switch s.Type {
	case "string":
		guard(func() {
			str := val
			if isEnum(s) {
				str = "string(" + val + ")"
				fmt.Fprintf(b, "v.Enum(%s, %s, %sValues)\n", path, str, exported(name))
			}
			if s.Min != nil || s.Max != nil {
				fmt.Fprintf(b, "v.Length(%s, %s, %s, %s, %t)\n", path, str, bound(s.Min), bound(s.Max), s.Sensitive)
			}
			if s.Pattern != "" {
				fmt.Fprintf(b, "v.Pattern(%s, %s, pattern%s, %t)\n", path, str, exported(name), s.Sensitive)
			}
		})
	case "integer", "long", "double", "float":
		lim := func(p *float64) string {
			if p == nil {
				return "nil"
			}
			return "shape.F(" + strconv.FormatFloat(*p, 'g', -1, 64) + ")"
		}
		guard(func() {
			fmt.Fprintf(b, "v.Range(%s, float64(%s), %s, %s)\n", path, val, lim(s.Min), lim(s.Max))
		})
	case "structure":
		if ptr {
			fmt.Fprintf(b, "if %s != nil {\n%s.validate(v, %s)\n}\n", expr, expr, path)
		} else {
			fmt.Fprintf(b, "%s.validate(v, %s)\n", expr, path)
		}
	case "list", "map":
		// A present but empty list is a value; only nil means absent.
		fmt.Fprintf(b, "if %s != nil {\n", expr)
		if s.Min != nil || s.Max != nil {
			fmt.Fprintf(b, "v.Count(%s, len(%s), %s, %s)\n", path, expr, bound(s.Min), bound(s.Max))
		}
		if s.Type == "list" && g.needs[s.Member.Shape] {
			i := "i" + strconv.Itoa(depth)
			fmt.Fprintf(b, "for %s := range %s {\n", i, expr)
			g.validateValue(b, expr+"["+i+"]", s.Member.Shape, "shape.Index("+path+", "+i+")", false, depth+1)
			b.WriteString("}\n")
		}
		if s.Type == "map" && (g.needs[s.Key.Shape] || g.needs[s.Value.Shape]) {
			k, e := "k"+strconv.Itoa(depth), "e"+strconv.Itoa(depth)
			if !g.needs[s.Value.Shape] {
				e = "_"
			}
			fmt.Fprintf(b, "for %s, %s := range %s {\n", k, e, expr)
			if g.needs[s.Key.Shape] {
				g.validateValue(b, k, s.Key.Shape, "shape.Key("+path+", "+k+")", false, depth+1)
			}
			if g.needs[s.Value.Shape] {
				g.validateValue(b, e, s.Value.Shape, "shape.Key("+path+", "+k+")", false, depth+1)
			}
			b.WriteString("}\n")
		}
		b.WriteString("}\n")
	}
}
