package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestThrottlingFault sets a ThrottlingException fault on DescribeUser and
// lets the SDK's standard retryer meet it, as it would meet AWS's.
func TestThrottlingFault(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	register(t, s.client("us-east-1"), "alice", types.UserRoleReader)
	// The standard retryer: three attempts, backing off; no rate limit on
	// retries, so that the test does not depend on its token bucket.
	c := quicksight.New(quicksight.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxBackoff = 10 * 1e6 // 10ms
		}),
	})
	describe := func() (*quicksight.DescribeUserOutput, error) {
		return c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice")})
	}
	fired := func() []int64 {
		var fr struct{ Rules []struct{ Fired int64 } }
		if err := json.Unmarshal(mustControl(t, s, http.MethodGet, "/_qslocal/faults", nil), &fr); err != nil {
			t.Fatal(err)
		}
		var n []int64
		for _, r := range fr.Rules {
			n = append(n, r.Fired)
		}
		return n
	}

	// Two throttles, then the real answer: the third attempt succeeds.
	mustControl(t, s, http.MethodPut, "/_qslocal/faults", []byte(`{"rules": [{"operation": "DescribeUser", "error": "ThrottlingException", "probability": 1, "count": 2}]}`))
	out, err := describe()
	if err != nil || aws.ToString(out.User.UserName) != "alice" {
		t.Fatalf("DescribeUser with two throttles: %v, %v", out, err)
	}
	if attempts, _ := retry.GetAttemptResults(out.ResultMetadata); len(attempts.Results) != 3 {
		t.Errorf("attempts = %d, want 3", len(attempts.Results))
	}
	if got := fired(); len(got) != 1 || got[0] != 2 {
		t.Errorf("fired = %v, want [2]", got)
	}

	// Throttled every time: the retryer gives up after its attempts, with
	// the error typed as the model's ThrottlingException.
	mustControl(t, s, http.MethodPut, "/_qslocal/faults", []byte(`{"rules": [{"operation": "DescribeUser", "error": "ThrottlingException", "probability": 1}]}`))
	_, err = describe()
	var throttled *types.ThrottlingException
	if !errors.As(err, &throttled) || throttled.ErrorMessage() != "Rate exceeded." {
		t.Fatalf("DescribeUser always throttled: %v", err)
	}
	var re *retry.MaxAttemptsError
	if !errors.As(err, &re) || re.Attempt != 3 {
		t.Errorf("the retryer did not give up after 3 attempts: %v", err)
	}
	if got := fired(); len(got) != 1 || got[0] != 3 {
		t.Errorf("fired = %v, want [3]", got)
	}
	// Other operations are untouched; DELETE clears the rules.
	if _, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")}); err != nil {
		t.Errorf("ListUsers under a DescribeUser fault: %v", err)
	}
	mustControl(t, s, http.MethodDelete, "/_qslocal/faults", nil)
	if _, err := describe(); err != nil {
		t.Errorf("DescribeUser after the faults were cleared: %v", err)
	}

	// Bad rules are refused with the place of the mistake.
	for _, bad := range []string{
		`{"rules": [{"operation": "DescribeUsers", "error": "ThrottlingException"}]}`,
		`{"rules": [{"operation": "*", "error": "SlowDownException"}]}`,
		`{"rules": [{"operation": "*", "probability": 2, "latencyMs": 1}]}`,
		`{"rules": [{"operation": "*"}]}`,
		`{"rules": [{"operation": "*", "latency": 5}]}`,
	} {
		status, body := control(t, s, http.MethodPut, "/_qslocal/faults", []byte(bad))
		if status != http.StatusBadRequest || !strings.Contains(string(body), "rules") {
			t.Errorf("PUT %s: %d %s", bad, status, body)
		}
	}
}

// TestReset resets one account, then everything, including through
// moto's path.
func TestReset(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	users := func(acct string) int {
		out, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(acct), Namespace: aws.String("default")})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.UserList)
	}
	other := "444455556666"
	for _, path := range []string{"/_qslocal/reset?account=" + account, "/_qslocal/reset", "/moto-api/reset"} {
		register(t, c, "alice", types.UserRoleReader)
		if _, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: aws.String(other), Namespace: aws.String("default"),
			IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("bob"), Email: aws.String("b@example.com"), UserRole: types.UserRoleReader}); err != nil {
			t.Fatal(err)
		}
		mustControl(t, s, http.MethodPost, path, nil)
		wantOther := 0
		if strings.Contains(path, "account=") {
			wantOther = 1
		}
		if n, m := users(account), users(other); n != 0 || m != wantOther {
			t.Errorf("after %s: %d and %d users, want 0 and %d", path, n, m, wantOther)
		}
		mustControl(t, s, http.MethodPost, "/_qslocal/reset", nil)
	}
	status, body := control(t, s, http.MethodPost, "/_qslocal/reset?account=12", nil)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "'awsAccountId'") {
		t.Errorf("reset of a malformed account: %d %s", status, body)
	}
}

// TestImportErrors loads broken snapshots: each is refused with the place
// of its mistake, and changes nothing.
func TestImportErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	good := `accounts:
- AwsAccountId: "111122223333"
  namespaces: [{Name: default}, {Name: sales}]
  users:
  - {UserName: alice, Email: alice@example.com, Role: ADMIN}
  - {Namespace: sales, UserName: bob, Email: bob@example.com, Role: READER}
  groups:
  - {GroupName: admins, Members: [alice]}
`
	mustControl(t, s, http.MethodPost, "/_qslocal/import", []byte(good))
	before := mustControl(t, s, http.MethodGet, "/_qslocal/export", nil)
	for _, tt := range []struct{ name, doc, place string }{
		{"bad role", strings.Replace(good, "Role: READER", "Role: SUPER", 1), "accounts[0].users[1].Role"},
		{"unknown member", strings.Replace(good, "Role: READER", "Rol: READER", 1), "accounts[0].users[1].Rol"},
		{"unknown group member", strings.Replace(good, "Members: [alice]", "Members: [carol]", 1), "accounts[0].groups[0].Members[0]"},
		{"missing namespace", strings.Replace(good, "Namespace: sales", "Namespace: hr", 1), "accounts[0].users[1].Namespace"},
		{"duplicate user", strings.Replace(good, "  groups:", "  - {UserName: alice, Email: a@example.com, Role: READER}\n  groups:", 1), "accounts[0].users[2]"},
		{"bad account", strings.Replace(good, `"111122223333"`, `"1111"`, 1), "accounts[0].AwsAccountId"},
		{"unquoted account", strings.Replace(good, `"111122223333"`, `111122223333`, 1), "accounts[0].AwsAccountId"},
		{"unknown authentication method", strings.Replace(good, "  namespaces:", "  Subscription: {authenticationMethod: LDAP}\n  namespaces:", 1), "accounts[0].Subscription.authenticationMethod"},
		{"unknown subscription member", strings.Replace(good, "  namespaces:", "  Subscription: {method: IAM_ONLY}\n  namespaces:", 1), "accounts[0].Subscription"},
		{"bad identity region", strings.Replace(good, "  namespaces:", "  IdentityRegion: \"us:east\"\n  namespaces:", 1), "accounts[0].IdentityRegion"},
		{"bad capacity region", strings.Replace(good, "{Name: sales}", "{Name: sales, CapacityRegion: \"us:east\"}", 1), "accounts[0].namespaces[1].CapacityRegion"},
		{"not a document", "{", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// A good account first, to show that nothing of it lands.
			doc := strings.Replace(tt.doc, "accounts:\n", "accounts:\n- AwsAccountId: \"999999999999\"\n", 1)
			status, body := control(t, s, http.MethodPost, "/_qslocal/import", []byte(doc))
			if status != http.StatusBadRequest || !strings.Contains(string(body), strings.Replace(tt.place, "accounts[0]", "accounts[1]", 1)) {
				t.Errorf("import: %d %s; want 400 naming %s", status, body, tt.place)
			}
			if after := mustControl(t, s, http.MethodGet, "/_qslocal/export", nil); string(after) != string(before) {
				t.Errorf("a refused import changed the state:\n%s", diffLines(string(after), string(before)))
			}
		})
	}
}

// TestSeedFaultsAndAdminCommands starts qslocal with --seed and --faults
// and drives it with the admin commands, as the README shows.
func TestSeedFaultsAndAdminCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	seedFile, faultFile := filepath.Join(dir, "seed.yaml"), filepath.Join(dir, "faults.json")
	writeFile(t, seedFile, `accounts:
- AwsAccountId: "111122223333"
  users:
  - {UserName: alice, Email: alice@example.com, Role: READER}
  groups:
  - {GroupName: analysts, Members: [alice]}
`)
	writeFile(t, faultFile, `{"rules": [{"operation": "ListGroups", "error": "InternalFailureException", "count": 1}]}`)
	s := start(t, "", "--seed", seedFile, "--faults", faultFile)
	c := s.client("us-east-1")
	if _, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")}); err == nil {
		t.Error("ListGroups under an InternalFailureException fault succeeded")
	}
	out, err := c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	if err != nil || len(out.GroupList) != 1 {
		t.Fatalf("ListGroups of the seed: %+v, %v", out, err)
	}

	qslocal := func(args ...string) (string, error) {
		cmd := exec.Command(binary, append(args[:1:1], append([]string{"--endpoint", s.URL}, args[1:]...)...)...)
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if got, err := qslocal("request-upgrade", "--account", account, "--user", "alice", "--role", "AUTHOR"); err != nil || !strings.Contains(got, "PENDING") {
		t.Errorf("request-upgrade: %s, %v", got, err)
	}
	if got, err := qslocal("request-upgrade", "--account", account, "--user", "nobody", "--role", "AUTHOR"); err == nil || !strings.Contains(got, "ResourceNotFoundException") {
		t.Errorf("request-upgrade of a user that does not exist: %s, %v", got, err)
	}
	snap, err := qslocal("export")
	if err != nil || !strings.Contains(snap, `"UserName": "alice"`) {
		t.Fatalf("export: %s, %v", snap, err)
	}
	if got, err := qslocal("faults"); err != nil || !strings.Contains(got, `"fired": 1`) {
		t.Errorf("faults: %s, %v", got, err)
	}
	if got, err := qslocal("faults", "clear"); err != nil || !strings.Contains(got, `"rules": []`) {
		t.Errorf("faults clear: %s, %v", got, err)
	}
	if got, err := qslocal("reset"); err != nil {
		t.Errorf("reset: %s, %v", got, err)
	}
	if got, _ := qslocal("export"); strings.Contains(got, "alice") {
		t.Errorf("export after reset: %s", got)
	}
	snapFile := filepath.Join(dir, "snap.json")
	writeFile(t, snapFile, snap)
	if got, err := qslocal("import", snapFile); err != nil || !strings.Contains(got, "imported 1 account") {
		t.Errorf("import: %s, %v", got, err)
	}
	if got, _ := qslocal("export"); got != snap {
		t.Errorf("export after import:\n%s", diffLines(got, snap))
	}
	writeFile(t, snapFile, strings.Replace(snap, `"Role": "READER"`, `"Role": "SUPER"`, 1))
	if got, err := qslocal("import", snapFile); err == nil || !strings.Contains(got, "accounts[0].users[0].Role") {
		t.Errorf("import of a bad snapshot: %s, %v", got, err)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestResetUnderLoad resets while clients write: every request either
// lands before a reset or after it, so registrations never fail, and
// nothing answers an internal failure.
func TestResetUnderLoad(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				name := fmt.Sprintf("w%d-%d", w, i)
				if _, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
					IdentityType: types.IdentityTypeQuicksight, UserName: aws.String(name), Email: aws.String(name + "@example.com"), UserRole: types.UserRoleReader}); err != nil {
					errs <- fmt.Errorf("RegisterUser %s: %w", name, err)
					return
				}
				_, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(name)})
				var nf *types.ResourceNotFoundException
				if err != nil && !errors.As(err, &nf) { // a reset may come between the two
					errs <- fmt.Errorf("DescribeUser %s: %w", name, err)
					return
				}
			}
		}()
	}
	for range 20 {
		mustControl(t, s, http.MethodPost, "/_qslocal/reset", nil)
	}
	close(done)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
