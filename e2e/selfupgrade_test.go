package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// filed is qslocal's answer to filing a self-upgrade request.
type filed struct {
	SelfUpgradeRequestDetail struct {
		UpgradeRequestId, UserName, OriginalRole, RequestedRole, RequestNote, RequestStatus string
		CreationTime                                                                        int64
		LastUpdateAttemptTime                                                               *int64 `json:"lastUpdateAttemptTime"`
	}
	RequestId string
}

// fileUpgrade files a self-upgrade request as user would in the console,
// through qslocal's control path. It returns the answer, or the error type
// and HTTP status.
func fileUpgrade(t *testing.T, s *server, ns, user, role, note string) (filed, string, int) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"UserName": user, "RequestedRole": role, "RequestNote": note})
	resp, err := http.Post(s.URL+"/_qslocal/accounts/"+account+"/namespaces/"+ns+"/self-upgrade-requests", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var f filed
	if resp.StatusCode != 200 {
		return f, resp.Header.Get("X-Amzn-ErrorType"), resp.StatusCode
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("filing answer %s: %v", b, err)
	}
	if f.RequestId == "" || f.RequestId != resp.Header.Get("x-amzn-RequestId") {
		t.Errorf("filing answer's RequestId %q, header %q", f.RequestId, resp.Header.Get("x-amzn-RequestId"))
	}
	return f, "", 200
}

// mustFile files a request that must be accepted and returns its id.
func mustFile(t *testing.T, s *server, user, role string) string {
	t.Helper()
	f, code, status := fileUpgrade(t, s, "default", user, role, "please")
	if status != 200 {
		t.Fatalf("filing %s's request for %s: %d %s", user, role, status, code)
	}
	return f.SelfUpgradeRequestDetail.UpgradeRequestId
}

func decide(c *quicksight.Client, t *testing.T, id string, action types.SelfUpgradeAdminAction) (*types.SelfUpgradeRequestDetail, error) {
	out, err := c.UpdateSelfUpgrade(ctx(t), &quicksight.UpdateSelfUpgradeInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), UpgradeRequestId: aws.String(id), Action: action})
	if err != nil {
		return nil, err
	}
	return out.SelfUpgradeRequestDetail, nil
}

func roleOf(t *testing.T, c *quicksight.Client, user string) types.UserRole {
	t.Helper()
	out, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(user)})
	if err != nil {
		t.Fatalf("DescribeUser %s: %v", user, err)
	}
	return out.User.Role
}

func preconditionNotMet(err error) bool {
	var e *types.PreconditionNotMetException
	return errors.As(err, &e)
}

func TestSelfUpgrade(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	for _, u := range []string{"bob", "carol", "dave", "eve"} {
		mkUser(t, c, "default", u)
	}

	f, code, status := fileUpgrade(t, s, "default", "bob", "AUTHOR", "I build dashboards now")
	d := f.SelfUpgradeRequestDetail
	if status != 200 || d.UserName != "bob" || d.OriginalRole != "READER" || d.RequestedRole != "AUTHOR" ||
		d.RequestStatus != "PENDING" || d.RequestNote != "I build dashboards now" || d.CreationTime == 0 || d.LastUpdateAttemptTime != nil {
		t.Fatalf("filing: %d %s %+v", status, code, d)
	}
	bob := d.UpgradeRequestId

	got, err := decide(c, t, bob, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || got.LastUpdateAttemptTime == 0 ||
		aws.ToString(got.UserName) != "bob" || got.RequestedRole != types.UserRoleAuthor || got.OriginalRole != types.UserRoleReader {
		t.Fatalf("APPROVE: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "bob"); r != types.UserRoleAuthor {
		t.Errorf("bob's role after approval = %s", r)
	}
	for _, action := range []types.SelfUpgradeAdminAction{types.SelfUpgradeAdminActionApprove, types.SelfUpgradeAdminActionDeny} {
		if _, err := decide(c, t, bob, action); !preconditionNotMet(err) {
			t.Errorf("%s of an approved request: %v, want PreconditionNotMetException", action, err)
		}
	}
	if got, err := decide(c, t, bob, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Errorf("VERIFY of an approved request: %+v, %v", got, err)
	}

	carol := mustFile(t, s, "carol", "ADMIN_PRO")
	if got, err := decide(c, t, carol, types.SelfUpgradeAdminActionDeny); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusDenied {
		t.Errorf("DENY: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "carol"); r != types.UserRoleReader {
		t.Errorf("carol's role after denial = %s", r)
	}
	if _, err := decide(c, t, carol, types.SelfUpgradeAdminActionVerify); !preconditionNotMet(err) {
		t.Errorf("VERIFY of a denied request: %v, want PreconditionNotMetException", err)
	}

	// One pending request per user, and only upgrades.
	mustFile(t, s, "dave", "READER_PRO")
	for _, tc := range []struct {
		user, role, code string
		status           int
	}{
		{"dave", "AUTHOR", "ConflictException", 409},
		{"bob", "READER", "InvalidParameterValueException", 400},    // a downgrade
		{"bob", "AUTHOR", "InvalidParameterValueException", 400},    // the role bob has
		{"bob", "ADMIN", "", 200},                                   // up from AUTHOR
		{"nobody", "AUTHOR", "ResourceNotFoundException", 404},      // no such user
		{"eve", "SUPERUSER", "InvalidParameterValueException", 400}, // not a role
	} {
		if _, code, status := fileUpgrade(t, s, "default", tc.user, tc.role, ""); code != tc.code || status != tc.status {
			t.Errorf("filing %s for %s: %d %s, want %d %s", tc.role, tc.user, status, code, tc.status, tc.code)
		}
	}

	// Approving for a user who is gone fails, and VERIFY retries it once
	// the user is back.
	eve := mustFile(t, s, "eve", "AUTHOR")
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("eve")}); err != nil {
		t.Fatal(err)
	}
	got, err = decide(c, t, eve, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusUpdateFailed || !strings.Contains(aws.ToString(got.LastUpdateFailureReason), "eve") {
		t.Errorf("APPROVE for a deleted user: %+v, %v", got, err)
	}
	if got, err := decide(c, t, eve, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusVerifyFailed {
		t.Errorf("VERIFY while the user is still gone: %+v, %v", got, err)
	}
	mkUser(t, c, "default", "eve")
	if got, err := decide(c, t, eve, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || got.LastUpdateFailureReason != nil {
		t.Errorf("VERIFY once the user is back: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "eve"); r != types.UserRoleAuthor {
		t.Errorf("eve's role after VERIFY = %s", r)
	}

	// Requests list oldest first, a page at a time.
	var ids []string
	var next *string
	for pages := 0; ; pages++ {
		out, err := c.ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(2), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.SelfUpgradeRequestDetails {
			ids = append(ids, aws.ToString(r.UserName)+":"+string(r.RequestStatus))
		}
		if next = out.NextToken; next == nil {
			break
		}
	}
	want := []string{"bob:APPROVED", "carol:DENIED", "dave:PENDING", "bob:PENDING", "eve:APPROVED"}
	if !slices.Equal(ids, want) {
		t.Errorf("ListSelfUpgrades = %q, want %q", ids, want)
	}
	if body := rawGet(t, s, "/accounts/"+account+"/namespaces/default/self-upgrade-requests"); !strings.Contains(body, `"lastUpdateAttemptTime":`) {
		t.Errorf("lastUpdateAttemptTime is not spelled as the model spells it: %s", body)
	}

	_, err = decide(c, t, "no-such-request", types.SelfUpgradeAdminActionApprove)
	checkErr(t, "unknown request", err, expectNotFound("", "no-such-request"))
	_, err = c.UpdateSelfUpgrade(ctx(t), &quicksight.UpdateSelfUpgradeInput{AwsAccountId: aws.String(account), Namespace: aws.String("nowhere"), UpgradeRequestId: aws.String(bob), Action: types.SelfUpgradeAdminActionApprove})
	checkErr(t, "unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.UpdateSelfUpgrade(ctx(t), &quicksight.UpdateSelfUpgradeInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UpgradeRequestId: aws.String(bob), Action: "PROMOTE"})
	checkErr(t, "unknown action", err, expectInvalid("Action"))
}

func TestSelfUpgradeConfiguration(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, def := aws.String(account), aws.String("default")
	describe := func() types.SelfUpgradeStatus {
		out, err := c.DescribeSelfUpgradeConfiguration(ctx(t), &quicksight.DescribeSelfUpgradeConfigurationInput{AwsAccountId: acct, Namespace: def})
		if err != nil {
			t.Fatal(err)
		}
		return out.SelfUpgradeConfiguration.SelfUpgradeStatus
	}
	if got := describe(); got != types.SelfUpgradeStatusAdminApproval {
		t.Errorf("default configuration = %s, want ADMIN_APPROVAL", got)
	}
	mkUser(t, c, "default", "waiting")
	mkUser(t, c, "default", "auto")
	pending := mustFile(t, s, "waiting", "AUTHOR")
	if _, err := c.UpdateSelfUpgradeConfiguration(ctx(t), &quicksight.UpdateSelfUpgradeConfigurationInput{AwsAccountId: acct, Namespace: def,
		SelfUpgradeStatus: types.SelfUpgradeStatusAutoApproval}); err != nil {
		t.Fatal(err)
	}
	if got := describe(); got != types.SelfUpgradeStatusAutoApproval {
		t.Errorf("configuration after update = %s", got)
	}
	f, _, status := fileUpgrade(t, s, "default", "auto", "AUTHOR_PRO", "")
	if status != 200 || f.SelfUpgradeRequestDetail.RequestStatus != "APPROVED" || f.SelfUpgradeRequestDetail.LastUpdateAttemptTime == nil {
		t.Errorf("filing under AUTO_APPROVAL: %d %+v", status, f.SelfUpgradeRequestDetail)
	}
	if r := roleOf(t, c, "auto"); r != types.UserRoleAuthorPro {
		t.Errorf("role after auto approval = %s", r)
	}
	// The switch does not touch requests already pending.
	if r := roleOf(t, c, "waiting"); r != types.UserRoleReader {
		t.Errorf("a pending request was approved by the configuration change: %s", r)
	}
	if got, err := decide(c, t, pending, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Errorf("approving the earlier request: %+v, %v", got, err)
	}
	_, err := c.DescribeSelfUpgradeConfiguration(ctx(t), &quicksight.DescribeSelfUpgradeConfigurationInput{AwsAccountId: acct, Namespace: aws.String("nowhere")})
	checkErr(t, "configuration of a missing namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, code, status := fileUpgrade(t, s, "nowhere", "auto", "ADMIN", "")
	if status != 404 || code != "ResourceNotFoundException" {
		t.Errorf("filing in a missing namespace: %d %s", status, code)
	}
}
