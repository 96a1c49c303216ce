package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// The access explorer's answers as the wire writes them.
type (
	wireRoute struct {
		Via, Principal, Folder string
		Actions                []string
		Owner                  bool
	}
	userAccess struct {
		User   string
		Assets []struct {
			Kind, Id, Arn, Name string
			Routes              []wireRoute
		}
		RequestId string
	}
	assetAccess struct {
		Asset string
		Users []struct {
			Namespace, UserName, Arn string
			Routes                   []wireRoute
		}
		NextToken *string
		RequestId string
	}
)

func userAccessPath(acct, ns, user string) string {
	return "/_qslocal/access/accounts/" + acct + "/namespaces/" + ns + "/users/" + url.PathEscape(user)
}

func assetAccessPath(acct, arn, next string, max string) string {
	q := url.Values{"arn": {arn}}
	if next != "" {
		q.Set("next-token", next)
	}
	if max != "" {
		q.Set("max-results", max)
	}
	return "/_qslocal/access/accounts/" + acct + "/assets?" + q.Encode()
}

// shareAnalysis makes users "a/b" (directly granted) and carol (through
// group team, which owns folder f holding the analysis).
func shareAnalysis(t *testing.T, c *quicksight.Client) {
	t.Helper()
	mkUser(t, c, "default", "a/b")
	mkUser(t, c, "default", "carol")
	mkGroup(t, c, "default", "team", "")
	if _, err := c.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		GroupName: aws.String("team"), MemberName: aws.String("carol")}); err != nil {
		t.Fatal(err)
	}
	mkFolder(t, c, "f", "", types.ResourcePermission{Principal: aws.String(principal("group", "default/team")),
		Actions: []string{"quicksight:DescribeFolder", "quicksight:UpdateFolderPermissions"}})
	if _, err := c.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("a1"), Name: aws.String("Sales"),
		Definition: definition("s"), FolderArns: []string{folderARN("f")},
		Permissions: []types.ResourcePermission{{Principal: aws.String(principal("user", "default/a/b")), Actions: []string{"quicksight:DescribeAnalysis"}}}}); err != nil {
		t.Fatal(err)
	}
}

// TestAccessExplorer: GET /_qslocal/access/... answers UserAccess and
// AssetAccess as JSON, a page at a time, with AWS-shaped errors.
func TestAccessExplorer(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	shareAnalysis(t, s.client("us-east-1"))
	now := time.Now()
	get := func(path string, out any) (int, string) {
		t.Helper()
		status, code, body := rawCall(t, s, "GET", path, "", nil, now)
		if status == 200 {
			if err := json.Unmarshal(body, out); err != nil {
				t.Fatalf("GET %s: %v in %s", path, err, body)
			}
		}
		return status, code
	}

	var ua userAccess
	if status, code := get(userAccessPath(account, "default", "a/b"), &ua); status != 200 {
		t.Fatalf("user access of a/b: %d %s", status, code)
	}
	if ua.User != principal("user", "default/a/b") || ua.RequestId == "" || len(ua.Assets) != 1 {
		t.Fatalf("user access of a/b: %+v", ua)
	}
	a := ua.Assets[0]
	if a.Kind != "analysis" || a.Id != "a1" || a.Arn != principal("analysis", "a1") || a.Name != "Sales" || len(a.Routes) != 1 ||
		a.Routes[0].Via != "user" || a.Routes[0].Principal != ua.User || a.Routes[0].Owner || strings.Join(a.Routes[0].Actions, ",") != "quicksight:DescribeAnalysis" {
		t.Errorf("a/b's asset: %+v", a)
	}
	if status, _ := get(userAccessPath(account, "default", "carol"), &ua); status != 200 || len(ua.Assets) != 2 || ua.Assets[1].Arn != folderARN("f") {
		t.Fatalf("carol's assets: %+v", ua.Assets)
	}
	if r := ua.Assets[0].Routes; ua.Assets[0].Id != "a1" || len(r) != 1 || r[0].Via != "folder" || r[0].Principal != principal("group", "default/team") ||
		r[0].Folder != folderARN("f") || !r[0].Owner {
		t.Errorf("carol's route to a1: %+v", r)
	}

	var users []string
	for next, pages := "", 0; ; pages++ {
		var aa assetAccess
		if status, code := get(assetAccessPath(account, principal("analysis", "a1"), next, "1"), &aa); status != 200 {
			t.Fatalf("asset access: %d %s", status, code)
		}
		if aa.Asset != principal("analysis", "a1") || len(aa.Users) != 1 || pages > 2 {
			t.Fatalf("asset access page %d: %+v", pages, aa)
		}
		users = append(users, aa.Users[0].Arn+" "+aa.Users[0].Routes[0].Via)
		if aa.NextToken == nil {
			break
		}
		next = *aa.NextToken
	}
	if got, want := strings.Join(users, ", "), principal("user", "default/a/b")+" user, "+principal("user", "default/carol")+" folder"; got != want {
		t.Errorf("users of a1:\n got %s\nwant %s", got, want)
	}

	for _, tc := range []struct {
		name, path string
		status     int
		code       string
	}{
		{"a missing user", userAccessPath(account, "default", "nobody"), 404, "ResourceNotFoundException"},
		{"a missing namespace", userAccessPath(account, "nope", "carol"), 404, "ResourceNotFoundException"},
		{"a bad account", userAccessPath("12", "default", "carol"), 400, "ValidationException"},
		{"a missing asset", assetAccessPath(account, principal("analysis", "nope"), "", ""), 404, "ResourceNotFoundException"},
		{"no asset", "/_qslocal/access/accounts/" + account + "/assets", 400, "ValidationException"},
		{"a user for an asset", assetAccessPath(account, principal("user", "default/carol"), "", ""), 400, "InvalidParameterValueException"},
		{"another account's asset", assetAccessPath(account, "arn:aws:quicksight:us-east-1:"+otherAccount+":analysis/a1", "", ""), 400, "InvalidParameterValueException"},
		{"a page of 101", assetAccessPath(account, principal("analysis", "a1"), "", "101"), 400, "ValidationException"},
		{"a bad token", assetAccessPath(account, principal("analysis", "a1"), "forged", ""), 400, "InvalidNextTokenException"},
	} {
		if status, code := get(tc.path, nil); status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, code, tc.status, tc.code)
		}
	}
	// Validation names the query parameter.
	if _, _, body := rawCall(t, s, "GET", "/_qslocal/access/accounts/"+account+"/assets", "", nil, now); !strings.Contains(string(body), "'arn'") {
		t.Errorf("no asset: %s", body)
	}
}

// TestSignedAccessExplorer: with --auth sigv4 the explorer needs
// credentials, and a caller sees its own account only.
func TestSignedAccessExplorer(t *testing.T) {
	t.Parallel()
	s := startSigned(t)
	shareAnalysis(t, s.clientAs(adminKey))
	now := time.Now()
	asset := principal("analysis", "a1")
	for _, tc := range []struct {
		name, path string
		creds      *aws.Credentials
		status     int
		code       string
	}{
		{"unsigned user access", userAccessPath(account, "default", "carol"), nil, 403, "MissingAuthenticationTokenException"},
		{"unsigned asset access", assetAccessPath(account, asset, "", ""), nil, 403, "MissingAuthenticationTokenException"},
		{"user access in alice's own account", userAccessPath(account, "default", "carol"), &aliceKey, 200, ""},
		{"asset access in alice's own account", assetAccessPath(account, asset, "", ""), &aliceKey, 200, ""},
		{"user access in another account", userAccessPath(account, "default", "carol"), &otherKey, 403, "AccessDeniedException"},
		{"asset access in another account", assetAccessPath(account, asset, "", ""), &otherKey, 403, "AccessDeniedException"},
		{"another account's asset from one's own", assetAccessPath(otherAccount, asset, "", ""), &otherKey, 403, "AccessDeniedException"},
	} {
		status, code, body := rawCall(t, s, "GET", tc.path, "", tc.creds, now)
		if status != tc.status || code != tc.code {
			t.Errorf("%s: %d %s %s, want %d %s", tc.name, status, code, body, tc.status, tc.code)
		}
	}
}
