package console

import (
	"crypto/hmac"
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
// keyid.exp.mac, the key id in base64 (it may hold dots).
func (c *Console) session(keyID string, exp time.Time) string {
	id, e := base64.RawURLEncoding.EncodeToString([]byte(keyID)), strconv.FormatInt(exp.Unix(), 10)
	return id + "." + e + "." + c.sign("session", id, e)
}

// caller is the credential of r's session: nil when there is none, or it
// is forged or expired, or its key is no longer known.
func (c *Console) caller(r *http.Request) *sigv4.Credential {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts) != 3 || !hmac.Equal([]byte(parts[2]), []byte(c.sign("session", parts[0], parts[1]))) {
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
		if c.cfg.Credentials[i].AccessKeyID == string(id) {
			return &c.cfg.Credentials[i]
		}
	}
	return nil
}

// csrf is the token every form of r's session carries: bound to the
// session cookie, so that a token of one session is refused in another.
// Without credentials there is no session, and one token serves the
// process; another site cannot read it either way.
func (c *Console) csrf(r *http.Request) string {
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
// of namespace ns (its ARN): an admin may; another only when IAM is
// enforced and its policies allow quicksight:UpdateSelfUpgrade on the
// namespace, as the API would authorize the call.
func (c *Console) mayUpgrade(cr *sigv4.Credential, nsARN string) bool {
	if cr == nil || cr.Admin {
		return true
	}
	if !c.cfg.EnforceIAM {
		return false
	}
	return sigv4.Evaluate(cr.Policies, sigv4.Request{Action: "quicksight:UpdateSelfUpgrade", Resource: nsARN, Context: map[string]string{
		sigv4.KeyPrincipalAccount: cr.Account, sigv4.KeyPrincipalArn: cr.ARN, sigv4.KeyRequestedRegion: c.cfg.Region,
	}}) == sigv4.Allow
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "login", "Sign in", nil)
}

func (c *Console) loginPost(w http.ResponseWriter, r *http.Request) {
	// Another site could otherwise sign the browser in with its own keys.
	if !c.checkCSRF(r) {
		c.fail(w, r, http.StatusForbidden, "The form is stale or was not sent from this console: reload the page and try again.")
		return
	}
	cr := c.login(r.PostFormValue("access_key_id"), r.PostFormValue("secret_access_key"))
	if cr == nil {
		c.render(w, r, http.StatusUnauthorized, "login", "Sign in", "The access key id or secret key is wrong.")
		return
	}
	exp := c.cfg.Now().Add(c.cfg.SessionTTL)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: c.session(cr.AccessKeyID, exp), Path: Prefix,
		Expires: exp, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: Prefix, MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, Prefix+"login", http.StatusSeeOther)
}
