package sigv4

import (
	"fmt"
	"strings"
)

// Algorithm is the one signing algorithm SigV4 verification accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// authorization is a parsed SigV4 Authorization header (or the same parts
// of a presigned query string).
type authorization struct {
	Credential    string
	SignedHeaders []string // as the client listed them
	Signature     string
}

// scope is a parsed credential: AKID/date/region/service/aws4_request.
type scope struct {
	AccessKeyID, Date, Region, Service string
}

// parseAuthorization reads "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". Its errors are IncompleteSignatureException, worded as AWS
// words them (docs/behaviour.md, "Signed requests").
func parseAuthorization(header string) (authorization, error) {
	var a authorization
	alg, rest, _ := strings.Cut(strings.TrimLeft(header, " "), " ")
	if alg != Algorithm {
		// Not SigV4 at all: AWS lists every part it misses.
		return a, incomplete(missingParts(true, true, true) + " Authorization=" + header)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return a, incomplete(fmt.Sprintf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", part, header))
		}
		if seen[key] {
			return a, incomplete(fmt.Sprintf("Authorization header has a duplicate '%s' parameter: '%s'.", key, header))
		}
		seen[key] = true
		switch key {
		case "Credential":
			a.Credential = value
		case "SignedHeaders":
			if value != "" {
				a.SignedHeaders = strings.Split(value, ";")
			}
		case "Signature":
			a.Signature = value
		}
	}
	if a.Credential == "" || a.Signature == "" || !seen["SignedHeaders"] {
		return a, incomplete(missingParts(a.Credential == "", a.Signature == "", !seen["SignedHeaders"]) + " Authorization=" + header)
	}
	return a, nil
}

func missingParts(credential, signature, signedHeaders bool) string {
	var parts []string
	if credential {
		parts = append(parts, "Authorization header requires 'Credential' parameter.")
	}
	if signature {
		parts = append(parts, "Authorization header requires 'Signature' parameter.")
	}
	if signedHeaders {
		parts = append(parts, "Authorization header requires 'SignedHeaders' parameter.")
	}
	return strings.Join(parts, " ")
}

// parseScope splits a credential into its five elements.
func parseScope(credential string) (scope, error) {
	p := strings.Split(credential, "/")
	if len(p) != 5 || p[4] != "aws4_request" || p[0] == "" {
		return scope{}, incomplete(fmt.Sprintf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", credential))
	}
	return scope{AccessKeyID: p[0], Date: p[1], Region: p[2], Service: p[3]}, nil
}
