package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/smithy-go/aws-http-auth/credentials"
	awssigv4 "github.com/aws/smithy-go/aws-http-auth/sigv4"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/sigv4"
)

// adminUsage lists the admin commands for --help.
const adminUsage = `  qslocal reset [--account ID]          wipe all state, or one account's
  qslocal export [--account ID]         print the state as a snapshot (JSON)
  qslocal import FILE                   load a snapshot (JSON or YAML)
  qslocal faults [show|set FILE|clear]  show, set or clear the fault rules
  qslocal request-upgrade --account ID [--namespace NS] --user NAME --role ROLE [--note TEXT]
                                        file a self-upgrade request as the user would
Each talks to a running qslocal: --endpoint URL (default http://` + DefaultAddr + `, or QSLOCAL_ENDPOINT).
  qslocal bench [--ops MIX] [--concurrency N] [--duration D] [--users N] [--db DB | --endpoint URL [--server-pid PID]]
                                        measure qslocal beside a bare net/http handler (docs/performance.md)`

// adminArgs are the arguments each admin command takes after its flags.
var adminArgs = map[string]string{
	"reset": "", "export": "", "import": " FILE", "faults": " [show | set FILE | clear]", "request-upgrade": "",
}

// admin runs the admin command name against a running server; handled is
// false for a name it does not know. Asking a command for --help is not a
// failure.
func admin(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (bool, error) {
	handled, err := runAdmin(ctx, name, args, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return handled, nil
	}
	return handled, err
}

func runAdmin(ctx context.Context, name string, args []string, stdout, stderr io.Writer) (bool, error) {
	fs := flag.NewFlagSet("qslocal "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: qslocal %s [flags]%s\n", name, adminArgs[name])
		fs.PrintDefaults()
	}
	endpoint := fs.String("endpoint", cmp.Or(os.Getenv("QSLOCAL_ENDPOINT"), "http://"+DefaultAddr), "the running qslocal's `URL`")
	c := &adminClient{http: &http.Client{Timeout: 5 * time.Minute}}
	switch name {
	case "reset", "export":
		account := fs.String("account", "", "only this account `ID`")
		if err := parseAdmin(fs, args, 0); err != nil {
			return true, err
		}
		c.base = *endpoint
		q := ""
		if *account != "" {
			q = "?account=" + url.QueryEscape(*account)
		}
		if name == "reset" {
			if _, err := c.do(ctx, http.MethodPost, "/_qslocal/reset"+q, nil); err != nil {
				return true, err
			}
			fmt.Fprintf(stdout, "reset %s\n", cmp.Or(*account, "every account"))
			return true, nil
		}
		b, err := c.do(ctx, http.MethodGet, "/_qslocal/export"+q, nil)
		if err == nil {
			_, err = stdout.Write(b)
		}
		return true, err
	case "import":
		if err := parseAdmin(fs, args, 1); err != nil {
			return true, err
		}
		c.base = *endpoint
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return true, err
		}
		out, err := c.do(ctx, http.MethodPost, "/_qslocal/import", b)
		if err != nil {
			return true, err
		}
		var res struct{ Accounts *int }
		if err := json.Unmarshal(out, &res); err != nil || res.Accounts == nil {
			return true, fmt.Errorf("%s did not answer as qslocal does: %s", c.base, out)
		}
		fmt.Fprintf(stdout, "imported %d account(s) from %s\n", *res.Accounts, fs.Arg(0))
		return true, nil
	case "faults":
		if err := fs.Parse(args); err != nil {
			return true, err
		}
		c.base = *endpoint
		var (
			out []byte
			err error
		)
		switch verb := fs.Arg(0); {
		case verb == "" || verb == "show":
			out, err = c.do(ctx, http.MethodGet, "/_qslocal/faults", nil)
		case verb == "set" && fs.NArg() == 2:
			var b []byte
			if b, err = os.ReadFile(fs.Arg(1)); err == nil {
				out, err = c.do(ctx, http.MethodPut, "/_qslocal/faults", b)
			}
		case verb == "clear":
			out, err = c.do(ctx, http.MethodDelete, "/_qslocal/faults", nil)
		default:
			return true, fmt.Errorf("usage: qslocal faults [show | set FILE | clear]")
		}
		if err == nil {
			_, err = stdout.Write(out)
		}
		return true, err
	case "request-upgrade":
		account := fs.String("account", "", "the account `ID`")
		namespace := fs.String("namespace", "default", "the user's `namespace`")
		user := fs.String("user", "", "the user's `name`")
		role := fs.String("role", "", "the `role` requested: AUTHOR, ADMIN, ...")
		note := fs.String("note", "", "the request's `note`")
		if err := parseAdmin(fs, args, 0); err != nil {
			return true, err
		}
		if *account == "" || *user == "" || *role == "" {
			return true, errors.New("request-upgrade needs --account, --user and --role")
		}
		c.base = *endpoint
		req := map[string]string{"UserName": *user, "RequestedRole": *role}
		if *note != "" {
			req["RequestNote"] = *note
		}
		body, _ := json.Marshal(req)
		out, err := c.do(ctx, http.MethodPost, "/_qslocal/accounts/"+url.PathEscape(*account)+"/namespaces/"+url.PathEscape(*namespace)+"/self-upgrade-requests", body)
		if err != nil {
			return true, err
		}
		var res struct {
			SelfUpgradeRequestDetail struct{ UpgradeRequestId, RequestStatus string }
		}
		if err := json.Unmarshal(out, &res); err != nil || res.SelfUpgradeRequestDetail.UpgradeRequestId == "" {
			return true, fmt.Errorf("%s did not answer as qslocal does: %s", c.base, out)
		}
		d := res.SelfUpgradeRequestDetail
		fmt.Fprintf(stdout, "filed self-upgrade request %s (%s)\n", d.UpgradeRequestId, d.RequestStatus)
		return true, nil
	}
	return false, nil
}

// parseAdmin parses a command's flags and checks it has n arguments.
func parseAdmin(fs *flag.FlagSet, args []string, n int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != n {
		return fmt.Errorf("%s takes %d argument(s), got %q (see qslocal --help)", fs.Name(), n, fs.Args())
	}
	return nil
}

// adminClient calls qslocal's own endpoints.
type adminClient struct {
	base string
	http *http.Client
}

// do sends a request and returns the body of a 200 answer; any other
// answer is an error with the server's code and message.
// A server started with --auth sigv4 answers an unsigned request with
// MissingAuthenticationTokenException: do then sends it again, signed
// with the credentials of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// (and AWS_SESSION_TOKEN), for AWS_REGION or AWS_DEFAULT_REGION.
func (c *adminClient) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	resp, b, err := c.send(ctx, method, path, body, false)
	if err == nil && resp.StatusCode == http.StatusForbidden &&
		resp.Header.Get("X-Amzn-ErrorType") == sigv4.CodeMissingAuthenticationToken && os.Getenv("AWS_ACCESS_KEY_ID") != "" {
		resp, b, err = c.send(ctx, method, path, body, true)
	}
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		_ = json.Unmarshal(b, &e)
		return nil, fmt.Errorf("%s (HTTP %d): %s", resp.Header.Get("X-Amzn-ErrorType"), resp.StatusCode, cmp.Or(e.Message, string(b)))
	}
	return b, nil
}

// send sends one request, signed or not, and reads the answer.
func (c *adminClient) send(ctx context.Context, method, path string, body []byte, signed bool) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.base, "/")+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if signed {
		sum := sha256.Sum256(body)
		err := awssigv4.New().SignRequest(&awssigv4.SignRequestInput{
			Request:     req,
			PayloadHash: sum[:],
			Credentials: credentials.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"),
				SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")},
			Service: sigv4.Service,
			Region:  cmp.Or(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), qslocal.DefaultRegion),
		})
		if err != nil {
			return nil, nil, err
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("is qslocal running at %s? %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}
