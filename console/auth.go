package console

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qslocal/qslocal/sigv4"
)

// cookieName is the session cookie's name.
const cookieName = "qslocal_console"

// DefaultSessionTTL is how long a console session lasts.
const DefaultSessionTTL = 8 * time.Hour

// sign is the HMAC of parts under the console's secret.
func (c *Console) sign(parts ...string) string {
	m := hmac.New(sha256.New, c.secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0}) // parts cannot run into each other
	}
	return hex.EncodeToString(m.Sum(nil))
}

// login finds the credential with these keys. Every entry is compared,
// over hashes of equal length, so that the time taken tells nothing of
// which key, or how much of it, matched.
func (c *Console) login(keyID, secret string) *sigv4.Credential {
	hk, hs := sha256.Sum256([]byte(keyID)), sha256.Sum256([]byte(secret))
	var found *sigv4.Credential
	for i := range c.cfg.Credentials {
		cr := &c.cfg.Credentials[i]
		ck, cs := sha256.Sum256([]byte(cr.AccessKeyID)), sha256.Sum256([]byte(cr.SecretAccessKey))
		if subtle.ConstantTimeCompare(hk[:], ck[:])&subtle.ConstantTimeCompare(hs[:], cs[:]) == 1 && found == nil {
			found = cr
		}
	}
	return found
}

// session is the cookie's value for a key id, valid until exp:
// keyid.exp.gen.mac, the key id in base64 (it may hold dots), gen the
// key's sign-out generation (see generation).
func (c *Console) session(keyID string, exp time.Time) string {
	id, e, g := base64.RawURLEncoding.EncodeToString([]byte(keyID)), strconv.FormatInt(exp.Unix(), 10), c.generation(keyID)
	return id + "." + e + "." + g + "." + c.sign("session", id, e, g)
}

// generation is how many times a key signed out of this process: a
// sign-out ends every session of the key made before it, copied cookies
// included, without the server keeping the sessions themselves.
func (c *Console) generation(keyID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strconv.FormatUint(c.signOuts[keyID], 10)
}

// caller is the credential of r's session: nil when there is none, or it
// is forged or expired, or its key is no longer known.
func (c *Console) caller(r *http.Request) *sigv4.Credential {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 4 || !hmac.Equal([]byte(parts[3]), []byte(c.sign("session", parts[0], parts[1], parts[2]))) {
		return nil
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || !c.cfg.Now().Before(time.Unix(exp, 0)) {
		return nil
	}
	id, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil
	}
	for i := range c.cfg.Credentials {
		if c.cfg.Credentials[i].AccessKeyID == string(id) && parts[2] == c.generation(string(id)) {
			return &c.cfg.Credentials[i]
		}
	}
	return nil
}

// loginCookie is the pre-session cookie the sign-in form's token is
// bound to: without it, the form's token would be one per process, which
// anyone may read, and another site could sign a browser in with its
// own keys (login CSRF).
const loginCookie = "qslocal_console_login"

// loginTTL is how long a sign-in form stays good.
const loginTTL = time.Hour

// preKey keys, in the login page's context, the pre-session cookie's value.
type preKey struct{}

// csrf is the token every form of r's session carries: bound to the
// session cookie, so that a token of one session is refused in another.
// The sign-in form's is bound to the pre-session cookie instead. Without
// credentials there is no session, and one token serves the process;
// another site cannot read it either way.
func (c *Console) csrf(r *http.Request) string {
	if pre, ok := r.Context().Value(preKey{}).(string); ok {
		return c.sign("csrf-login", pre)
	}
	v := ""
	if ck, err := r.Cookie(cookieName); err == nil {
		v = ck.Value
	}
	return c.sign("csrf", v)
}

// checkCSRF reports whether a POST carries its session's token.
func (c *Console) checkCSRF(r *http.Request) bool {
	return hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(c.csrf(r)))
}

// mayUpgrade reports whether the caller may decide self-upgrade requests
// of namespace ns (its ARN). With IAM enforced its policies decide, for
// an admin too, as the API authorizes every call: an explicit Deny holds.
// Without, an admin may and no other.
func (c *Console) mayUpgrade(cr *sigv4.Credential, nsARN string) bool {
	if cr == nil {
		return true
	}
	if !c.cfg.EnforceIAM {
		return cr.Admin
	}
	return c.allowed(cr, "quicksight:UpdateSelfUpgrade", nsARN)
}

// allowed reports whether the caller's policies allow action on resource,
// as the API would authorize the call; true when IAM is not enforced or
// there are no credentials.
func (c *Console) allowed(cr *sigv4.Credential, action, resource string) bool {
	if cr == nil || !c.cfg.EnforceIAM {
		return true
	}
	return sigv4.Evaluate(cr.Policies, sigv4.Request{Action: action, Resource: resource, Context: map[string]string{
		sigv4.KeyPrincipalAccount: cr.Account, sigv4.KeyPrincipalArn: cr.ARN, sigv4.KeyRequestedRegion: c.cfg.Region,
	}}) == sigv4.Allow
}

// preSession is r's pre-session cookie value; "" when it has none.
func preSession(r *http.Request) string {
	if ck, err := r.Cookie(loginCookie); err == nil && len(ck.Value) == 64 {
		return ck.Value
	}
	return ""
}

// loginPage shows the sign-in form, its token bound to a random
// pre-session cookie: kept when the browser has one, so that two open
// forms both work.
func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	pre := preSession(r)
	if pre == "" {
		b := make([]byte, 32)
		rand.Read(b) // never fails (crypto/rand)
		pre = hex.EncodeToString(b)
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: pre, Path: Prefix, MaxAge: int(loginTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	c.render(w, r.WithContext(context.WithValue(r.Context(), preKey{}, pre)), http.StatusOK, "login", "Sign in", nil)
}

func (c *Console) loginPost(w http.ResponseWriter, r *http.Request) {
	// Another site could otherwise sign the browser in with its own keys:
	// the token must match this browser's pre-session cookie.
	pre := preSession(r)
	rp := r.WithContext(context.WithValue(r.Context(), preKey{}, pre))
	if pre == "" || !c.checkCSRF(rp) {
		c.fail(w, r, http.StatusForbidden, "The form is stale or was not sent from this console: reload the page and try again.")
		return
	}
	cr := c.login(rp.PostFormValue("access_key_id"), rp.PostFormValue("secret_access_key"))
	if cr == nil {
		c.render(w, rp, http.StatusUnauthorized, "login", "Sign in", "The access key id or secret key is wrong.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	exp := c.cfg.Now().Add(c.cfg.SessionTTL)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: c.session(cr.AccessKeyID, exp), Path: Prefix,
		Expires: exp, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if cr := callerOf(r); cr != nil {
		c.mu.Lock()
		c.signOuts[cr.AccessKeyID]++
		c.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, Prefix+"login", http.StatusSeeOther)
}
