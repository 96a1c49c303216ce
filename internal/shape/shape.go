// Package shape is the hand-written runtime that the generated api package
// builds on: the wire form of timestamps, and the validator that checks
// request members against the model's constraints.
package shape

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qslocal/qslocal/internal/pattern"
)

// Violation is one failed constraint.
type Violation struct {
	Path    string // member path, e.g. "GrantPermissions[0].Principal"
	Value   string // the offending value as shown to the caller
	Message string // "Member must ..."
}

// ValidationError lists the constraints a request broke: all of them
// counted, the first MaxListed kept.
type ValidationError struct {
	Violations []Violation
	// Total counts every violation; 0 means len(Violations).
	Total int
}

// MaxListed bounds the violations one error keeps, so that a request of
// thousands of bad members cannot make an answer of megabytes.
const MaxListed = 100

// Error writes the violations as AWS's request validation does: counted,
// joined with "; ", each member named by its wire path (see WirePath).
func (e *ValidationError) Error() string {
	var b strings.Builder
	n := max(e.Total, len(e.Violations))
	if n == 1 {
		b.WriteString("1 validation error detected: ")
	} else {
		fmt.Fprintf(&b, "%d validation errors detected: ", n)
	}
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "Value %s at '%s' failed to satisfy constraint: %s", v.Value, WirePath(v.Path), v.Message)
	}
	return b.String()
}

// WirePath writes a member path as AWS's validation messages do: members
// in lowerCamelCase, list items numbered from 1 and followed by
// ".member", map entries by key: "GrantPermissions[0].Principal" is
// "grantPermissions.1.member.principal".
func WirePath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); {
		switch c := path[i]; {
		case c == '[' && i+1 < len(path) && path[i+1] == '"':
			// A map key, as Key wrote it.
			q, err := strconv.QuotedPrefix(path[i+1:])
			end := i + 1 + len(q)
			if err != nil || end >= len(path) || path[end] != ']' {
				b.WriteString(path[i:])
				return b.String()
			}
			k, _ := strconv.Unquote(q)
			b.WriteString("." + k)
			i = end + 1
		case c == '[':
			end := strings.IndexByte(path[i:], ']')
			n, err := strconv.Atoi(path[i+1 : i+max(end, 1)])
			if end < 0 || err != nil {
				b.WriteString(path[i:])
				return b.String()
			}
			fmt.Fprintf(&b, ".%d.member", n+1)
			i += end + 1
		default:
			// The first letter of each member is lowered (member names
			// are ASCII; other text is left as it is).
			if (i == 0 || path[i-1] == '.') && 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// NotImplementedError is returned for operations qslocal routes and
// validates but does not carry out yet.
type NotImplementedError struct{ Operation string }

func (e *NotImplementedError) Error() string {
	return fmt.Sprintf("qslocal does not implement the %s operation yet", e.Operation)
}

// Validator collects violations; generated validate methods feed it.
type Validator struct {
	violations []Violation
	total      int
}

// Err returns the collected violations as a *ValidationError, or nil.
func (v *Validator) Err() error {
	if v.total == 0 {
		return nil
	}
	return &ValidationError{Violations: v.violations, Total: v.total}
}

// Add records a violation; past MaxListed it is only counted.
func (v *Validator) Add(path, value, msg string) {
	v.total++
	if len(v.violations) < MaxListed {
		v.violations = append(v.violations, Violation{Path: path, Value: value, Message: msg})
	}
}

// Join builds a member path.
func Join(parent, member string) string {
	if parent == "" {
		return member
	}
	return parent + "." + member
}

// Index builds the path of a list element.
func Index(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// Key builds the path of a map entry.
func Key(parent, k string) string { return parent + "[" + strconv.Quote(k) + "]" }

const maxShown = 128

// Show renders a value for a message; sensitive values are never echoed.
func Show(s string, sensitive bool) string {
	if sensitive {
		return "(sensitive)"
	}
	// Cut after maxShown characters without counting the rest: a value
	// may be megabytes long.
	n := 0
	for i := range s {
		if n == maxShown {
			s = s[:i] + "..."
			break
		}
		n++
	}
	return "'" + s + "'"
}

// Required records a missing required member.
func (v *Validator) Required(path string, present bool) {
	if !present {
		v.Add(path, "null", "Member must not be null")
	}
}

// Length checks a string's length in characters. min or max < 0 means no bound.
func (v *Validator) Length(path, s string, min, max int, sensitive bool) {
	n := utf8.RuneCountInString(s)
	switch {
	case min >= 0 && n < min:
		v.Add(path, Show(s, sensitive), fmt.Sprintf("Member must have length greater than or equal to %d", min))
	case max >= 0 && n > max:
		v.Add(path, Show(s, sensitive), fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// Count checks the number of items of a list or entries of a map.
func (v *Validator) Count(path string, n, min, max int) {
	switch {
	case min >= 0 && n < min:
		v.Add(path, fmt.Sprintf("of %d items", n), fmt.Sprintf("Member must have length greater than or equal to %d", min))
	case max >= 0 && n > max:
		v.Add(path, fmt.Sprintf("of %d items", n), fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// Range checks a number against the model's min and max (nil: no bound).
func (v *Validator) Range(path string, n float64, min, max *float64) {
	show := "'" + strconv.FormatFloat(n, 'f', -1, 64) + "'"
	switch {
	case min != nil && n < *min:
		v.Add(path, show, "Member must have value greater than or equal to "+strconv.FormatFloat(*min, 'f', -1, 64))
	case max != nil && n > *max:
		v.Add(path, show, "Member must have value less than or equal to "+strconv.FormatFloat(*max, 'f', -1, 64))
	}
}

// Pattern checks a string against a model pattern (Java full-match).
func (v *Validator) Pattern(path, s string, p *pattern.Pattern, sensitive bool) {
	if !p.MatchString(s) {
		v.Add(path, Show(s, sensitive), "Member must satisfy regular expression pattern: "+p.String())
	}
}

// Enum checks a value against an enum's value set.
func (v *Validator) Enum(path, s string, values []string) {
	for _, e := range values {
		if s == e {
			return
		}
	}
	v.Add(path, Show(s, false), "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// Union checks that exactly one member of a union is set.
func (v *Validator) Union(path string, set int) {
	if set != 1 {
		v.Add(path, fmt.Sprintf("with %d members set", set), "Member must have exactly one member set")
	}
}

// F converts a pointer to a number bound check argument.
func F(f float64) *float64 { return &f }
