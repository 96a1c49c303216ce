package sigv4

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Policy is an IAM identity policy document.
type Policy struct {
	Version   string     `json:"Version,omitempty"`
	ID        string     `json:"Id,omitempty"`
	Statement statements `json:"Statement"`
}

// Statement is one statement of a policy. Action and Resource (or their
// Not forms) may each be a string or a list, as in IAM.
type Statement struct {
	Sid          string                           `json:"Sid,omitempty"`
	Effect       string                           `json:"Effect"`
	Principal    json.RawMessage                  `json:"Principal,omitempty"`
	NotPrincipal json.RawMessage                  `json:"NotPrincipal,omitempty"`
	Action       stringList                       `json:"Action,omitempty"`
	NotAction    stringList                       `json:"NotAction,omitempty"`
	Resource     stringList                       `json:"Resource,omitempty"`
	NotResource  stringList                       `json:"NotResource,omitempty"`
	Condition    map[string]map[string]stringList `json:"Condition,omitempty"`
}

// statements is Statement as IAM writes it: one object or a list.
type statements []Statement

func (s *statements) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '{' {
		var one Statement
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = statements{one}
		return nil
	}
	return json.Unmarshal(b, (*[]Statement)(s))
}

// stringList is a string or a list of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*l = stringList{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

// check refuses, when the file is loaded, what IAM refuses in an identity
// policy, and what qslocal cannot evaluate faithfully (policy variables).
func (p *Policy) check() error {
	if p.Version != "" && p.Version != "2012-10-17" && p.Version != "2008-10-17" {
		return fmt.Errorf("%s: must be 2012-10-17 or 2008-10-17; got %q", "Version", p.Version)
	}
	if len(p.Statement) == 0 {
		return fmt.Errorf("%s: a policy needs at least one statement", "Statement")
	}
	for i, s := range p.Statement {
		at := fmt.Sprintf("Statement[%d]", i)
		switch {
		case s.Effect != "Allow" && s.Effect != "Deny":
			return fmt.Errorf("%s.Effect: must be Allow or Deny; got %q", at, s.Effect)
		case s.Principal != nil || s.NotPrincipal != nil:
			return fmt.Errorf("%s: an identity policy has no Principal or NotPrincipal", at)
		case (s.Action == nil) == (s.NotAction == nil):
			return fmt.Errorf("%s: give exactly one of Action and NotAction", at)
		case (s.Resource == nil) == (s.NotResource == nil):
			return fmt.Errorf("%s: give exactly one of Resource and NotResource", at)
		}
		for _, l := range []stringList{s.Action, s.NotAction, s.Resource, s.NotResource} {
			for _, v := range l {
				if strings.Contains(v, "${") {
					return fmt.Errorf("%s: policy variables (%s) are not supported", at, v)
				}
			}
		}
	}
	return nil
}

// Decision is the outcome of evaluating policies for one request.
type Decision int

const (
	// ImplicitDeny: no statement allows the request.
	ImplicitDeny Decision = iota
	// Allow: a statement allows it and none denies it.
	Allow
	// ExplicitDeny: a statement denies it, whatever else allows it.
	ExplicitDeny
)

// Request is what policies are evaluated against.
type Request struct {
	Action, Resource string
	// Context holds the condition keys qslocal supplies, by lower-case name.
	Context map[string]string
}

// Context keys qslocal supplies to conditions.
const (
	KeyRequestedRegion  = "aws:requestedregion"
	KeyPrincipalAccount = "aws:principalaccount"
	KeyPrincipalArn     = "aws:principalarn"
)

// Evaluate applies IAM's rules for identity policies: an explicit deny
// wins, else an allow, else the request is denied by default.
func Evaluate(policies []Policy, req Request) Decision {
	allowed := false
	for _, p := range policies {
		for _, s := range p.Statement {
			if !s.applies(req) {
				continue
			}
			ok, supported := s.conditions(req.Context)
			if s.Effect == "Deny" {
				// Fail closed: a deny whose conditions qslocal cannot
				// evaluate applies.
				if ok || !supported {
					return ExplicitDeny
				}
				continue
			}
			if ok && supported {
				allowed = true
			}
		}
	}
	if allowed {
		return Allow
	}
	return ImplicitDeny
}

// applies reports whether the statement covers the action and resource.
func (s *Statement) applies(req Request) bool {
	action := anyMatch(s.Action, req.Action, true)
	if s.NotAction != nil {
		action = !anyMatch(s.NotAction, req.Action, true)
	}
	resource := anyMatch(s.Resource, req.Resource, false)
	if s.NotResource != nil {
		resource = !anyMatch(s.NotResource, req.Resource, false)
	}
	return action && resource
}

func anyMatch(patterns []string, value string, fold bool) bool {
	if fold {
		value = strings.ToLower(value)
	}
	for _, p := range patterns {
		if fold {
			p = strings.ToLower(p)
		}
		if wildcard(p, value) {
			return true
		}
	}
	return false
}

// wildcard matches value against pattern, where * stands for any run of
// characters and ? for one. It backtracks only to the last *, so it takes
// time proportional to len(pattern)*len(value) at worst.
func wildcard(pattern, value string) bool {
	p, v := 0, 0
	star, mark := -1, 0
	for v < len(value) {
		switch {
		case p < len(pattern) && pattern[p] == '*': // before the literal case: "*" may also be in value
			star, mark = p, v
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == value[v]):
			p++
			v++
		case star >= 0:
			p = star + 1
			mark++
			v = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// conditions evaluates the statement's Condition block: ok when every
// operator holds; supported is false when it uses an operator or key
// qslocal does not evaluate (see docs/behaviour.md, "IAM enforcement").
func (s *Statement) conditions(ctx map[string]string) (ok, supported bool) {
	ok = true
	for op, keys := range s.Condition {
		// ...IfExists changes nothing: every supported key is always present.
		match, negate, fold, known := operator(strings.TrimSuffix(op, "IfExists"))
		if !known {
			return false, false
		}
		for key, values := range keys {
			got, present := ctx[strings.ToLower(key)]
			if !present {
				return false, false
			}
			hit := false
			for _, want := range values {
				if match(fold, want, got) {
					hit = true
					break
				}
			}
			if hit == negate {
				ok = false
			}
		}
	}
	return ok, true
}

// operator describes a supported condition operator: how a policy value
// matches the request's, whether the operator is negated, and whether it
// ignores case.
func operator(name string) (match func(fold bool, want, got string) bool, negate, fold, known bool) {
	equal := func(fold bool, want, got string) bool {
		if fold {
			return strings.EqualFold(want, got)
		}
		return want == got
	}
	like := func(_ bool, want, got string) bool { return wildcard(want, got) }
	switch name {
	case "StringEquals":
		return equal, false, false, true
	case "StringNotEquals":
		return equal, true, false, true
	case "StringEqualsIgnoreCase":
		return equal, false, true, true
	case "StringNotEqualsIgnoreCase":
		return equal, true, true, true
	case "StringLike":
		return like, false, false, true
	case "StringNotLike":
		return like, true, false, true
	}
	return nil, false, false, false
}
