// Package sigv4 verifies AWS Signature Version 4 on requests, tells who
// signed them, and evaluates their IAM identity policies: what AWS's front
// door does before QuickSight sees a request.
package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	"github.com/aws/smithy-go/aws-http-auth/sigv4"
	v4 "github.com/aws/smithy-go/aws-http-auth/v4"

	"github.com/qslocal/qslocal"
)

// Service is the signing name of QuickSight, the one a credential scope
// must name.
const Service = "quicksight"

// MaxSkew is how far a request's time may be from the server's clock, as
// on AWS.
const MaxSkew = 15 * time.Minute

// maxExpires bounds X-Amz-Expires on a presigned request (seven days, as
// AWS's presigned URLs).
const maxExpires = 7 * 24 * 3600

const timeFormat = "20060102T150405Z"

// Config configures a Verifier.
type Config struct {
	Credentials []Credential
	// EnforceIAM makes Caller.Authorize evaluate the credential's policies;
	// without it every authenticated request is allowed.
	EnforceIAM bool
	// Now is the clock requests are checked against; nil is time.Now.
	Now func() time.Time
}

// Verifier checks signatures against known credentials.
type Verifier struct {
	keys    map[string]*Credential
	enforce bool
	now     func() time.Time
	signer  *sigv4.Signer
}

// New returns a Verifier of cfg's credentials.
func New(cfg Config) *Verifier {
	v := &Verifier{keys: map[string]*Credential{}, enforce: cfg.EnforceIAM, now: cfg.Now, signer: sigv4.New()}
	if v.now == nil {
		v.now = time.Now
	}
	for i := range cfg.Credentials {
		c := cfg.Credentials[i]
		v.keys[c.AccessKeyID] = &c
	}
	return v
}

// Caller is who signed a request, as verified.
type Caller struct {
	cred    *Credential
	region  string
	enforce bool
}

// Account is the account the caller belongs to.
func (c *Caller) Account() string { return c.cred.Account }

// ARN names the caller.
func (c *Caller) ARN() string { return c.cred.ARN }

// Admin reports whether the caller may use qslocal's endpoints that
// change state.
func (c *Caller) Admin() bool { return c.cred.Admin }

// Region is the region the request was signed for.
func (c *Caller) Region() string { return c.region }

// Authorize answers AccessDeniedException, worded as AWS words it, unless
// the caller's policies allow action on resource; with IAM enforcement off
// it allows everything.
func (c *Caller) Authorize(action, resource string) error {
	if !c.enforce {
		return nil
	}
	d := Evaluate(c.cred.Policies, Request{Action: action, Resource: resource, Context: map[string]string{
		KeyRequestedRegion: c.region, KeyPrincipalAccount: c.cred.Account, KeyPrincipalArn: c.cred.ARN,
	}})
	switch d {
	case Allow:
		return nil
	case ExplicitDeny:
		return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: fmt.Sprintf(
			"User: %s is not authorized to perform: %s on resource: %s with an explicit deny in an identity-based policy", c.cred.ARN, action, resource)}
	default:
		return &qslocal.Error{Code: qslocal.CodeAccessDenied, Message: fmt.Sprintf(
			"User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action", c.cred.ARN, action, resource, action)}
	}
}

// validRegion is the shape of an AWS region name (us-east-1, us-gov-west-1).
var validRegion = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)

// Authenticate verifies r's signature over body, in the Authorization
// header or a presigned query string, and returns its signer. Errors are
// *qslocal.Error with the codes and messages AWS answers (all HTTP 403).
// r's URL must be as the client sent it.
func (v *Verifier) Authenticate(r *http.Request, body []byte) (*Caller, error) {
	query := r.URL.Query()
	header := r.Header.Get("Authorization")
	presigned := header == "" && query.Has("X-Amz-Signature")
	var (
		a       authorization
		err     error
		amzDate string
		token   string
	)
	switch {
	case header != "":
		if a, err = parseAuthorization(header); err != nil {
			return nil, err
		}
		amzDate = r.Header.Get("X-Amz-Date")
		token = r.Header.Get("X-Amz-Security-Token")
	case presigned:
		if alg := query.Get("X-Amz-Algorithm"); alg != Algorithm {
			return nil, incomplete(fmt.Sprintf("Unsupported AWS 'algorithm': '%s'.", alg))
		}
		a = authorization{Credential: query.Get("X-Amz-Credential"), Signature: query.Get("X-Amz-Signature")}
		if sh := query.Get("X-Amz-SignedHeaders"); sh != "" {
			a.SignedHeaders = strings.Split(sh, ";")
		}
		amzDate = query.Get("X-Amz-Date")
		token = query.Get("X-Amz-Security-Token")
	default:
		return nil, &qslocal.Error{Code: CodeMissingAuthenticationToken, Message: msgMissingToken}
	}
	sc, err := parseScope(a.Credential)
	if err != nil {
		return nil, err
	}
	if amzDate == "" {
		return nil, incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	signed, err := time.Parse(timeFormat, amzDate)
	if err != nil || signed.Format(timeFormat) != amzDate {
		return nil, incomplete(fmt.Sprintf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", amzDate))
	}
	if !slices.Contains(a.SignedHeaders, "host") {
		return nil, incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
	}
	if !presigned && !slices.Contains(a.SignedHeaders, "x-amz-date") {
		return nil, incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.")
	}
	switch {
	case sc.Date != signed.Format("20060102"):
		return nil, invalidSignature(fmt.Sprintf("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.",
			sc.Date, signed.Format("20060102"), amzDate))
	case sc.Service != Service:
		return nil, invalidSignature(fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", Service))
	case !validRegion.MatchString(sc.Region):
		return nil, invalidSignature(fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", sc.Region))
	}
	cred, ok := v.keys[sc.AccessKeyID]
	if !ok {
		return nil, unrecognized()
	}
	// A key with a session token is temporary: the token must come with
	// it. A key without one must not carry one.
	if subtle.ConstantTimeCompare([]byte(token), []byte(cred.SessionToken)) != 1 {
		return nil, unrecognized()
	}
	if err := v.checkTime(signed, presigned, query); err != nil {
		return nil, err
	}
	// The Go SDK signs the path as sent; botocore and the JavaScript SDK
	// sign it with its dot segments resolved.
	paths := []string{r.URL.EscapedPath()}
	if n := normalizePath(paths[0]); n != paths[0] {
		paths = append(paths, n)
	}
	for _, p := range paths {
		want, err := v.expected(r, p, body, a, sc, cred, signed, presigned)
		if err != nil {
			return nil, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(a.Signature)) == 1 {
			return &Caller{cred: cred, region: sc.Region, enforce: v.enforce}, nil
		}
	}
	return nil, invalidSignature(msgMismatch)
}

// normalizePath resolves "." and ".." segments and drops empty ones, as
// botocore and the JavaScript SDK do before signing.
func normalizePath(p string) string {
	var out []string
	for _, seg := range strings.Split(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	n := "/" + strings.Join(out, "/")
	if len(out) > 0 && strings.HasSuffix(p, "/") {
		n += "/"
	}
	return n
}

// checkTime applies the clock-skew window: 15 minutes either way, or for
// a presigned request with X-Amz-Expires, until it expires.
func (v *Verifier) checkTime(signed time.Time, presigned bool, query url.Values) error {
	now := v.now().UTC()
	f := func(t time.Time) string { return t.Format(timeFormat) }
	if signed.After(now.Add(MaxSkew)) {
		return invalidSignature(fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			f(signed), f(now.Add(MaxSkew)), f(now)))
	}
	earliest := now.Add(-MaxSkew)
	if presigned && query.Has("X-Amz-Expires") {
		secs, err := strconv.Atoi(query.Get("X-Amz-Expires"))
		if err != nil || secs < 1 || secs > maxExpires {
			return incomplete(fmt.Sprintf("X-Amz-Expires must be a number of seconds between 1 and %d; got '%s'.", maxExpires, query.Get("X-Amz-Expires")))
		}
		if exp := signed.Add(time.Duration(secs) * time.Second); now.After(exp) {
			return invalidSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s", f(exp), f(now)))
		}
		return nil
	}
	if signed.Before(earliest) {
		return invalidSignature(fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)", f(signed), f(earliest), f(now)))
	}
	return nil
}

// signedOnly tells the signer to sign exactly the headers the client
// listed, whatever they are.
type signedOnly []string

func (s signedOnly) IsSigned(h string) bool { return slices.Contains(s, h) }

// expected is the signature the client should have sent: the AWS signer
// run on a rebuilt request holding only what the client signed (its signed
// headers, the path, its query, the hash of the body as received) with the
// credential's secret and the client's time, region and service.
func (v *Verifier) expected(r *http.Request, escapedPath string, body []byte, a authorization, sc scope, cred *Credential,
	signed time.Time, presigned bool) (string, error) {
	query := r.URL.Query()
	query.Del("X-Amz-Signature")
	u, err := url.Parse(escapedPath)
	if err != nil {
		return "", invalidSignature(msgMismatch)
	}
	u.Scheme, u.Host, u.RawQuery = "http", r.Host, query.Encode()
	re := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	for _, name := range a.SignedHeaders {
		if name == "host" {
			continue // the signer takes Host from re.Host
		}
		values := r.Header.Values(name)
		if name == "content-length" && len(values) == 0 && r.ContentLength >= 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)} // net/http keeps it out of r.Header
		}
		for _, val := range values {
			// Clients sign values with runs of spaces collapsed.
			re.Header.Add(name, strings.Join(strings.Fields(val), " "))
		}
	}
	sum := sha256.Sum256(body)
	typ := v4.SignatureTypeHeader
	if presigned {
		typ = v4.SignatureTypeQueryString
	}
	err = v.signer.SignRequest(&sigv4.SignRequestInput{
		Request:       re,
		PayloadHash:   sum[:],
		Credentials:   credentials.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey},
		Service:       sc.Service,
		Region:        sc.Region,
		Time:          signed,
		SignatureType: typ,
	}, func(o *v4.SignerOptions) { o.HeaderRules = signedOnly(a.SignedHeaders) })
	if err != nil {
		return "", fmt.Errorf("signing the rebuilt request: %w", err)
	}
	if presigned {
		q := re.URL.Query()
		if q.Get("X-Amz-SignedHeaders") != strings.Join(a.SignedHeaders, ";") {
			return "", invalidSignature(msgMismatch) // a listed header the request lacks
		}
		return q.Get("X-Amz-Signature"), nil
	}
	got, err := parseAuthorization(re.Header.Get("Authorization"))
	if err != nil {
		return "", err
	}
	if !slices.Equal(got.SignedHeaders, a.SignedHeaders) {
		return "", invalidSignature(msgMismatch)
	}
	return got.Signature, nil
}
