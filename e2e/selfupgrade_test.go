package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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

	carol := mustFile(t, s, "carol", "READER_PRO")
	if got, err := decide(c, t, carol, types.SelfUpgradeAdminActionDeny); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusDenied {
		t.Errorf("DENY: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "carol"); r != types.UserRoleReader {
		t.Errorf("carol's role after denial = %s", r)
	}
	if _, err := decide(c, t, carol, types.SelfUpgradeAdminActionVerify); !preconditionNotMet(err) {
		t.Errorf("VERIFY of a denied request: %v, want PreconditionNotMetException", err)
	}

	// One pending request per user, and only the user guide's paths.
	mustFile(t, s, "dave", "READER_PRO")
	for _, tc := range []struct {
		user, role, code string
		status           int
	}{
		{"dave", "AUTHOR", "ConflictException", 409},
		{"bob", "READER", "InvalidParameterValueException", 400}, // a downgrade
		{"bob", "AUTHOR", "InvalidParameterValueException", 400}, // the role bob has
		{"bob", "ADMIN", "InvalidParameterValueException", 400},  // no path to an admin role
		{"bob", "AUTHOR_PRO", "", 200},                           // up from AUTHOR
		{"nobody", "AUTHOR", "ResourceNotFoundException", 404},   // no such user
		{"eve", "SUPERUSER", "ValidationException", 400},         // not a role
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
	checkErr(t, "unknown action", err, expectValidation("Action"))
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
	f, _, status := fileUpgrade(t, s, "default", "auto", "READER_PRO", "")
	if status != 200 || f.SelfUpgradeRequestDetail.RequestStatus != "APPROVED" || f.SelfUpgradeRequestDetail.LastUpdateAttemptTime == nil {
		t.Errorf("filing under AUTO_APPROVAL: %d %+v", status, f.SelfUpgradeRequestDetail)
	}
	if r := roleOf(t, c, "auto"); r != types.UserRoleReaderPro {
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

// decideIn is decide for a request in namespace ns.
func decideIn(c *quicksight.Client, t *testing.T, ns, id string, action types.SelfUpgradeAdminAction) (*types.SelfUpgradeRequestDetail, error) {
	out, err := c.UpdateSelfUpgrade(ctx(t), &quicksight.UpdateSelfUpgradeInput{AwsAccountId: aws.String(account),
		Namespace: aws.String(ns), UpgradeRequestId: aws.String(id), Action: action})
	if err != nil {
		return nil, err
	}
	return out.SelfUpgradeRequestDetail, nil
}

// roleIn is roleOf for a user of namespace ns.
func roleIn(t *testing.T, c *quicksight.Client, ns, user string) types.UserRole {
	t.Helper()
	out, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String(ns), UserName: aws.String(user)})
	if err != nil {
		t.Fatalf("DescribeUser %s/%s: %v", ns, user, err)
	}
	return out.User.Role
}

// upgradeStatuses lists namespace ns's requests, a page of pageSize at a
// time, as user:status in listing order.
func upgradeStatuses(t *testing.T, c *quicksight.Client, ns string, pageSize int32) []string {
	t.Helper()
	var got []string
	var next *string
	for {
		page, err := c.ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: aws.String(account), Namespace: aws.String(ns), MaxResults: aws.Int32(pageSize), NextToken: next})
		if err != nil {
			t.Fatalf("ListSelfUpgrades in %s: %v", ns, err)
		}
		for _, d := range page.SelfUpgradeRequestDetails {
			got = append(got, aws.ToString(d.UserName)+":"+string(d.RequestStatus))
		}
		if next = page.NextToken; next == nil {
			return got
		}
	}
}

// expectRefused wants PreconditionNotMetException naming the request's
// status.
func expectRefused(status types.SelfUpgradeRequestStatus) expect {
	return func(err error) string {
		var e *types.PreconditionNotMetException
		if !errors.As(err, &e) || !strings.Contains(aws.ToString(e.Message), string(status)) {
			return "want PreconditionNotMetException naming " + string(status)
		}
		return ""
	}
}

func dropUser(t *testing.T, c *quicksight.Client, ns, name string) {
	t.Helper()
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: aws.String(account), Namespace: aws.String(ns), UserName: aws.String(name)}); err != nil {
		t.Fatalf("DeleteUser %s/%s: %v", ns, name, err)
	}
}

// TestSelfUpgradeVerifyApproved checks VERIFY of an approved request whose
// user no longer holds the requested role: given another one, or deleted.
func TestSelfUpgradeVerifyApproved(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "changed")
	mkUser(t, c, "default", "gone")

	changed := mustFile(t, s, "changed", "AUTHOR")
	approved, err := decide(c, t, changed, types.SelfUpgradeAdminActionApprove)
	if err != nil || approved.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Fatalf("APPROVE: %+v, %v", approved, err)
	}
	if _, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		UserName: aws.String("changed"), Email: aws.String("u@example.com"), Role: types.UserRoleAdmin}); err != nil {
		t.Fatal(err)
	}
	got, err := decide(c, t, changed, types.SelfUpgradeAdminActionVerify)
	if err != nil {
		t.Fatalf("VERIFY after UpdateUser: %v", err)
	}
	if reason := aws.ToString(got.LastUpdateFailureReason); got.RequestStatus != types.SelfUpgradeRequestStatusVerifyFailed ||
		!strings.Contains(reason, "ADMIN") || got.LastUpdateAttemptTime < approved.LastUpdateAttemptTime {
		t.Errorf("VERIFY after UpdateUser gave the user ADMIN: status %s, reason %q, attempted %d (approved %d); want VERIFY_FAILED naming ADMIN",
			got.RequestStatus, reason, got.LastUpdateAttemptTime, approved.LastUpdateAttemptTime)
	}
	// VERIFY of an approved request checks; it changes no role.
	if r := roleOf(t, c, "changed"); r != types.UserRoleAdmin {
		t.Errorf("role after VERIFY = %s, want ADMIN (as UpdateUser left it)", r)
	}

	gone := mustFile(t, s, "gone", "READER_PRO")
	if got, err := decide(c, t, gone, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Fatalf("APPROVE: %+v, %v", got, err)
	}
	dropUser(t, c, "default", "gone")
	got, err = decide(c, t, gone, types.SelfUpgradeAdminActionVerify)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusVerifyFailed || !strings.Contains(aws.ToString(got.LastUpdateFailureReason), "gone") {
		t.Errorf("VERIFY after DeleteUser: %+v, %v; want VERIFY_FAILED naming the user", got, err)
	}
	if got := upgradeStatuses(t, c, "default", 100); !slices.Equal(got, []string{"changed:VERIFY_FAILED", "gone:VERIFY_FAILED"}) {
		t.Errorf("ListSelfUpgrades after both VERIFYs = %q", got)
	}
}

// TestSelfUpgradeFailedRequests checks the decisions a failed or pending
// request allows and refuses.
func TestSelfUpgradeFailedRequests(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	for _, u := range []string{"updfail", "verfail", "waiting"} {
		mkUser(t, c, "default", u)
	}

	// UPDATE_FAILED: approved after the user was deleted.
	updfail := mustFile(t, s, "updfail", "AUTHOR")
	dropUser(t, c, "default", "updfail")
	if got, err := decide(c, t, updfail, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusUpdateFailed {
		t.Fatalf("APPROVE for a deleted user: %+v, %v", got, err)
	}
	_, err := decide(c, t, updfail, types.SelfUpgradeAdminActionApprove)
	checkErr(t, "APPROVE of an UPDATE_FAILED request", err, expectRefused(types.SelfUpgradeRequestStatusUpdateFailed))
	got, err := decide(c, t, updfail, types.SelfUpgradeAdminActionDeny)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusDenied || got.LastUpdateFailureReason != nil {
		t.Errorf("DENY of an UPDATE_FAILED request: %+v, %v; want DENIED", got, err)
	}

	// VERIFY_FAILED: approved, then the user was deleted and VERIFY found it.
	verfail := mustFile(t, s, "verfail", "READER_PRO")
	if got, err := decide(c, t, verfail, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Fatalf("APPROVE: %+v, %v", got, err)
	}
	dropUser(t, c, "default", "verfail")
	if got, err := decide(c, t, verfail, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusVerifyFailed {
		t.Fatalf("VERIFY for a deleted user: %+v, %v", got, err)
	}
	_, err = decide(c, t, verfail, types.SelfUpgradeAdminActionApprove)
	checkErr(t, "APPROVE of a VERIFY_FAILED request", err, expectRefused(types.SelfUpgradeRequestStatusVerifyFailed))
	got, err = decide(c, t, verfail, types.SelfUpgradeAdminActionDeny)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusDenied || got.LastUpdateFailureReason != nil {
		t.Errorf("DENY of a VERIFY_FAILED request: %+v, %v; want DENIED", got, err)
	}
	// Denied is final: the user coming back does not revive the request.
	mkUser(t, c, "default", "verfail")
	_, err = decide(c, t, verfail, types.SelfUpgradeAdminActionVerify)
	checkErr(t, "VERIFY of a DENIED request", err, expectRefused(types.SelfUpgradeRequestStatusDenied))
	if r := roleOf(t, c, "verfail"); r != types.UserRoleReader {
		t.Errorf("role of the re-registered user after a denied request = %s", r)
	}

	// VERIFY of a pending request is refused and leaves it pending.
	waiting := mustFile(t, s, "waiting", "AUTHOR")
	_, err = decide(c, t, waiting, types.SelfUpgradeAdminActionVerify)
	checkErr(t, "VERIFY of a PENDING request", err, expectRefused(types.SelfUpgradeRequestStatusPending))
	if r := roleOf(t, c, "waiting"); r != types.UserRoleReader {
		t.Errorf("role after a refused VERIFY = %s", r)
	}
	if got := upgradeStatuses(t, c, "default", 1); !slices.Equal(got, []string{"updfail:DENIED", "verfail:DENIED", "waiting:PENDING"}) {
		t.Errorf("ListSelfUpgrades = %q", got)
	}
	if got, err := decide(c, t, waiting, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Errorf("APPROVE after a refused VERIFY: %+v, %v", got, err)
	}
}

// TestSelfUpgradeOtherNamespace files and decides requests outside
// default: requests, pending limits and configuration belong to their
// namespace.
func TestSelfUpgradeOtherNamespace(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkNamespace(t, c, "sales")
	for _, u := range []string{"ann", "ben"} {
		mkUser(t, c, "sales", u)
	}
	mkUser(t, c, "default", "ann") // the same name in another namespace
	mkUser(t, c, "default", "carl")

	f, code, status := fileUpgrade(t, s, "sales", "ann", "AUTHOR", "sales dashboards")
	if status != 200 || f.SelfUpgradeRequestDetail.RequestStatus != "PENDING" || f.SelfUpgradeRequestDetail.UserName != "ann" {
		t.Fatalf("filing in sales: %d %s %+v", status, code, f.SelfUpgradeRequestDetail)
	}
	sales := f.SelfUpgradeRequestDetail.UpgradeRequestId
	// ann of default is another user: her pending request does not count.
	defaultAnn := mustFile(t, s, "ann", "READER_PRO")

	_, err := decideIn(c, t, "default", sales, types.SelfUpgradeAdminActionApprove)
	checkErr(t, "sales' request decided in default", err, expectNotFound("", sales))
	_, err = decideIn(c, t, "sales", defaultAnn, types.SelfUpgradeAdminActionApprove)
	checkErr(t, "default's request decided in sales", err, expectNotFound("", defaultAnn))
	got, err := decideIn(c, t, "sales", sales, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || aws.ToString(got.UserName) != "ann" {
		t.Fatalf("APPROVE in sales: %+v, %v", got, err)
	}
	if r := roleIn(t, c, "sales", "ann"); r != types.UserRoleAuthor {
		t.Errorf("sales/ann's role after approval = %s", r)
	}
	if r := roleIn(t, c, "default", "ann"); r != types.UserRoleReader {
		t.Errorf("default/ann's role after sales/ann's approval = %s", r)
	}
	if got, err := decideIn(c, t, "sales", sales, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Errorf("VERIFY in sales: %+v, %v", got, err)
	}

	// Configuration is per namespace.
	if _, err := c.UpdateSelfUpgradeConfiguration(ctx(t), &quicksight.UpdateSelfUpgradeConfigurationInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("sales"), SelfUpgradeStatus: types.SelfUpgradeStatusAutoApproval}); err != nil {
		t.Fatal(err)
	}
	for ns, want := range map[string]types.SelfUpgradeStatus{"sales": types.SelfUpgradeStatusAutoApproval, "default": types.SelfUpgradeStatusAdminApproval} {
		out, err := c.DescribeSelfUpgradeConfiguration(ctx(t), &quicksight.DescribeSelfUpgradeConfigurationInput{AwsAccountId: aws.String(account), Namespace: aws.String(ns)})
		if err != nil {
			t.Fatal(err)
		}
		if got := out.SelfUpgradeConfiguration.SelfUpgradeStatus; got != want {
			t.Errorf("configuration of %s after sales was set to AUTO_APPROVAL: %s, want %s", ns, got, want)
		}
	}
	f, _, status = fileUpgrade(t, s, "default", "carl", "AUTHOR", "")
	if status != 200 || f.SelfUpgradeRequestDetail.RequestStatus != "PENDING" {
		t.Errorf("filing in default while sales approves automatically: %d %+v, want PENDING", status, f.SelfUpgradeRequestDetail)
	}
	if r := roleIn(t, c, "default", "carl"); r != types.UserRoleReader {
		t.Errorf("default/carl's role = %s, want READER until approved", r)
	}
	f, _, status = fileUpgrade(t, s, "sales", "ben", "READER_PRO", "")
	if status != 200 || f.SelfUpgradeRequestDetail.RequestStatus != "APPROVED" {
		t.Errorf("filing in sales under AUTO_APPROVAL: %d %+v, want APPROVED", status, f.SelfUpgradeRequestDetail)
	}
	if r := roleIn(t, c, "sales", "ben"); r != types.UserRoleReaderPro {
		t.Errorf("sales/ben's role after auto approval = %s", r)
	}

	// Each namespace lists its own requests.
	if got := upgradeStatuses(t, c, "sales", 100); !slices.Equal(got, []string{"ann:APPROVED", "ben:APPROVED"}) {
		t.Errorf("ListSelfUpgrades in sales = %q", got)
	}
	if got := upgradeStatuses(t, c, "default", 100); !slices.Equal(got, []string{"ann:PENDING", "carl:PENDING"}) {
		t.Errorf("ListSelfUpgrades in default = %q", got)
	}
}

// TestListSelfUpgradesErrors checks ListSelfUpgrades' answers other than a
// page of requests, and UpdateSelfUpgradeConfiguration's unknown namespace.
func TestListSelfUpgradesErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	list := func(ns string, next *string) (*quicksight.ListSelfUpgradesOutput, error) {
		return c.ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: acct, Namespace: aws.String(ns), MaxResults: aws.Int32(1), NextToken: next})
	}

	_, err := list("nowhere", nil)
	checkErr(t, "ListSelfUpgrades in a missing namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.UpdateSelfUpgradeConfiguration(ctx(t), &quicksight.UpdateSelfUpgradeConfigurationInput{AwsAccountId: acct,
		Namespace: aws.String("nowhere"), SelfUpgradeStatus: types.SelfUpgradeStatusAutoApproval})
	checkErr(t, "UpdateSelfUpgradeConfiguration of a missing namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))

	// A namespace without requests answers an empty list, not null.
	mkNamespace(t, c, "sales")
	for _, ns := range []string{"default", "sales"} {
		out, err := list(ns, nil)
		if err != nil || len(out.SelfUpgradeRequestDetails) != 0 || out.NextToken != nil {
			t.Errorf("ListSelfUpgrades in %s with no requests: %+v, %v", ns, out, err)
		}
		if body := rawGet(t, s, "/accounts/"+account+"/namespaces/"+ns+"/self-upgrade-requests"); !strings.Contains(body, `"SelfUpgradeRequestDetails":[]`) {
			t.Errorf("ListSelfUpgrades in %s with no requests answers %s", ns, body)
		}
	}

	for _, u := range []string{"ann", "ben", "cat"} {
		mkUser(t, c, "default", u)
		mustFile(t, s, u, "AUTHOR")
	}
	first, err := list("default", nil)
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	token := aws.ToString(first.NextToken)
	// The untouched token pages on, so the failures below are the token's.
	if out, err := list("default", first.NextToken); err != nil || len(out.SelfUpgradeRequestDetails) != 1 || aws.ToString(out.SelfUpgradeRequestDetails[0].UserName) != "ben" {
		t.Fatalf("second page: %+v, %v", out, err)
	}
	flip := func(b byte) byte {
		if b == 'A' {
			return 'B'
		}
		return 'A'
	}
	tampered := []byte(token)
	tampered[0] = flip(tampered[0])
	tamperedMid := []byte(token)
	tamperedMid[len(token)/2] = flip(tamperedMid[len(token)/2])
	users, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default"), MaxResults: aws.Int32(1)})
	if err != nil || users.NextToken == nil {
		t.Fatalf("ListUsers: %+v, %v", users, err)
	}
	cases := []struct{ what, ns, token string }{
		{"a tampered NextToken", "default", string(tampered)},
		{"a NextToken tampered in the middle", "default", string(tamperedMid)},
		{"a truncated NextToken", "default", token[:len(token)-4]},
		{"a NextToken of another namespace", "sales", token},
		{"a NextToken of ListUsers", "default", aws.ToString(users.NextToken)},
	}
	// A forgery that still decodes: the payload (base64 of the listing and
	// its last key, docs/behaviour.md) rewritten to start over, under the
	// old tag. Only the tag can tell it from a token qslocal issued.
	annID := aws.ToString(first.SelfUpgradeRequestDetails[0].UpgradeRequestId)
	if payload, tag, ok := strings.Cut(token, "."); !ok {
		t.Logf("NextToken %q is not payload.tag: no forgery tried", token)
	} else if body, err := base64.RawURLEncoding.DecodeString(payload); err != nil || !strings.Contains(string(body), annID) {
		t.Logf("NextToken payload %q does not hold the last key in plain: no forgery tried", payload)
	} else {
		forged := base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(body), annID, "", 1))) + "." + tag
		cases = append(cases, struct{ what, ns, token string }{"a forged NextToken", "default", forged})
	}
	for _, tc := range cases {
		_, err := list(tc.ns, aws.String(tc.token))
		checkErr(t, "ListSelfUpgrades with "+tc.what, err, expectBadToken)
	}
}

// TestSelfUpgradeOutlivesUser: requests are kept by user name and outlive
// their user (docs/behaviour.md), so a pending request filed before the
// user was deleted still counts for a user registered again under the
// same name, and approving it upgrades that user.
func TestSelfUpgradeOutlivesUser(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "phoenix")
	old := mustFile(t, s, "phoenix", "AUTHOR")
	dropUser(t, c, "default", "phoenix")
	mkUser(t, c, "default", "phoenix")

	if _, code, status := fileUpgrade(t, s, "default", "phoenix", "READER_PRO", ""); status != 409 || code != "ConflictException" {
		t.Errorf("filing for the re-registered user while the old request is pending: %d %s, want 409 ConflictException", status, code)
	}
	if got := upgradeStatuses(t, c, "default", 100); !slices.Equal(got, []string{"phoenix:PENDING"}) {
		t.Errorf("ListSelfUpgrades = %q, want the old request still pending", got)
	}
	got, err := decide(c, t, old, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || got.LastUpdateFailureReason != nil {
		t.Fatalf("APPROVE of the old request: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "phoenix"); r != types.UserRoleAuthor {
		t.Errorf("the re-registered user's role after the old request's approval = %s, want AUTHOR", r)
	}
	// Nothing pending now: the user may file again.
	if _, code, status := fileUpgrade(t, s, "default", "phoenix", "AUTHOR_PRO", ""); status != 200 {
		t.Errorf("filing after the old request was decided: %d %s", status, code)
	}
}

// postFiling files a request as fileUpgrade does, but may run on any
// goroutine: it returns a failure to reach the server instead of failing
// the test.
func postFiling(s *server, ns, user, role string) (f filed, errType string, status int, err error) {
	body, _ := json.Marshal(map[string]string{"UserName": user, "RequestedRole": role})
	resp, err := http.Post(s.URL+"/_qslocal/accounts/"+account+"/namespaces/"+ns+"/self-upgrade-requests", "application/json", bytes.NewReader(body))
	if err != nil {
		return f, "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return f, "", 0, err
	}
	if resp.StatusCode != 200 {
		return f, resp.Header.Get("X-Amzn-ErrorType"), resp.StatusCode, nil
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, "", resp.StatusCode, fmt.Errorf("filing answer %s: %w", b, err)
	}
	return f, "", 200, nil
}

// Approving never lowers a role: a user given a higher role since filing
// keeps it, and the request fails; one who already holds the requested
// role is simply approved.
func TestApprovalNeverLowersARole(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "risen")
	mkUser(t, c, "default", "there")
	risen, there := mustFile(t, s, "risen", "AUTHOR"), mustFile(t, s, "there", "AUTHOR")
	for user, role := range map[string]types.UserRole{"risen": types.UserRoleAdmin, "there": types.UserRoleAuthor} {
		if _, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
			UserName: aws.String(user), Email: aws.String("u@example.com"), Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := decide(c, t, risen, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusUpdateFailed || !strings.Contains(aws.ToString(got.LastUpdateFailureReason), "ADMIN") {
		t.Errorf("approving AUTHOR for an ADMIN: %+v, %v", got, err)
	}
	if r := roleOf(t, c, "risen"); r != types.UserRoleAdmin {
		t.Errorf("role after the refused approval = %s, want ADMIN", r)
	}
	if got, err := decide(c, t, risen, types.SelfUpgradeAdminActionVerify); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusVerifyFailed || roleOf(t, c, "risen") != types.UserRoleAdmin {
		t.Errorf("VERIFY retrying it: %+v, %v", got, err)
	}
	if got, err := decide(c, t, there, types.SelfUpgradeAdminActionApprove); err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || roleOf(t, c, "there") != types.UserRoleAuthor {
		t.Errorf("approving the role the user holds: %+v, %v", got, err)
	}
}

// TestSelfUpgradePaths: a user may ask only for the roles the user guide
// lists as self-upgrades from theirs (docs/behaviour.md); anything else is
// refused at filing, and approving a request whose path the user's role no
// longer starts fails it.
func TestSelfUpgradePaths(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	allowed := map[[2]types.UserRole]bool{
		{types.UserRoleReader, types.UserRoleReaderPro}:    true,
		{types.UserRoleReaderPro, types.UserRoleAuthorPro}: true,
		{types.UserRoleReader, types.UserRoleAuthor}:       true,
		{types.UserRoleAuthor, types.UserRoleAuthorPro}:    true,
	}
	roles := []types.UserRole{types.UserRoleReader, types.UserRoleAuthor, types.UserRoleAdmin,
		types.UserRoleReaderPro, types.UserRoleAuthorPro, types.UserRoleAdminPro}
	for _, from := range roles {
		for _, to := range roles {
			name := fmt.Sprintf("%s-to-%s", from, to)
			register(t, c, name, from)
			f, code, status := fileUpgrade(t, s, "default", name, string(to), "")
			if !allowed[[2]types.UserRole{from, to}] {
				if status != 400 || code != "InvalidParameterValueException" {
					t.Errorf("filing %s to %s: %d %s, want 400 InvalidParameterValueException", from, to, status, code)
				}
				continue
			}
			if status != 200 {
				t.Errorf("filing %s to %s: %d %s, want 200", from, to, status, code)
				continue
			}
			got, err := decide(c, t, f.SelfUpgradeRequestDetail.UpgradeRequestId, types.SelfUpgradeAdminActionApprove)
			if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusApproved || roleOf(t, c, name) != to {
				t.Errorf("approving %s to %s: %+v, %v", from, to, got, err)
			}
		}
	}

	// READER_PRO to AUTHOR_PRO is a path; READER to AUTHOR_PRO is not, so
	// once an administrator has made the user a READER the approval fails.
	register(t, c, "demoted", types.UserRoleReaderPro)
	id := mustFile(t, s, "demoted", "AUTHOR_PRO")
	if _, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		UserName: aws.String("demoted"), Email: aws.String("u@example.com"), Role: types.UserRoleReader}); err != nil {
		t.Fatal(err)
	}
	got, err := decide(c, t, id, types.SelfUpgradeAdminActionApprove)
	if err != nil || got.RequestStatus != types.SelfUpgradeRequestStatusUpdateFailed || !strings.Contains(aws.ToString(got.LastUpdateFailureReason), "READER") {
		t.Errorf("approving AUTHOR_PRO for a user now READER: %+v, %v; want UPDATE_FAILED", got, err)
	}
	if r := roleOf(t, c, "demoted"); r != types.UserRoleReader {
		t.Errorf("role after the failed approval = %s, want READER", r)
	}
}
