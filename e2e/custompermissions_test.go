package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

func mkProfile(t *testing.T, c *quicksight.Client, name string, caps *types.Capabilities, tags ...types.Tag) *quicksight.CreateCustomPermissionsOutput {
	t.Helper()
	in := &quicksight.CreateCustomPermissionsInput{AwsAccountId: aws.String(account), CustomPermissionsName: aws.String(name), Capabilities: caps}
	if len(tags) > 0 {
		in.Tags = tags
	}
	out, err := c.CreateCustomPermissions(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateCustomPermissions %q: %v", name, err)
	}
	return out
}

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

// rawGet sends an unsigned GET (qslocal accepts any credentials) and
// returns the body, to check the wire form the SDK cannot show.
func rawGet(t *testing.T, s *server, path string) string {
	t.Helper()
	return string(mustControl(t, s, http.MethodGet, path, nil))
}

func TestCustomPermissionsLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("eu-central-1")
	acct := aws.String(account)

	caps := &types.Capabilities{ExportToCsv: types.CapabilityStateDeny, ShareDashboards: types.CapabilityStateDeny, CreateAndUpdateThemes: types.CapabilityState("ALLOW")}
	created := mkProfile(t, c, "no-exports", caps, tag("team", "bi"), tag("cost", "42"))
	arn := "arn:aws:quicksight:eu-central-1:" + account + ":custompermission/no-exports"
	if aws.ToString(created.Arn) != arn || created.Status != 200 || aws.ToString(created.RequestId) == "" {
		t.Errorf("CreateCustomPermissions = %+v", created)
	}

	d, err := c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports")})
	if err != nil {
		t.Fatal(err)
	}
	p := d.CustomPermissions
	if d.Status != 200 || aws.ToString(p.Arn) != arn || aws.ToString(p.CustomPermissionsName) != "no-exports" || p.Capabilities == nil ||
		*p.Capabilities != *caps {
		t.Errorf("DescribeCustomPermissions = status %d, %+v", d.Status, p)
	}
	tags, err := c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if got := tagString(tags.Tags); got != "cost=42 team=bi" {
		t.Errorf("tags of the profile = %s", got)
	}

	// Update replaces the capabilities: what is not sent is gone.
	newCaps := &types.Capabilities{PrintReports: types.CapabilityStateDeny}
	up, err := c.UpdateCustomPermissions(ctx(t), &quicksight.UpdateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports"), Capabilities: newCaps})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != 200 || aws.ToString(up.Arn) != arn {
		t.Errorf("UpdateCustomPermissions = %+v", up)
	}
	d, err = c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports")})
	if err != nil {
		t.Fatal(err)
	}
	if d.CustomPermissions.Capabilities == nil || *d.CustomPermissions.Capabilities != *newCaps {
		t.Errorf("after update: %+v", d.CustomPermissions.Capabilities)
	}
	// Updating with no Capabilities leaves none.
	if _, err := c.UpdateCustomPermissions(ctx(t), &quicksight.UpdateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports")}); err != nil {
		t.Fatal(err)
	}
	body := rawGet(t, s, "/accounts/"+account+"/custom-permissions/no-exports")
	if strings.Contains(body, "Capabilities") || !strings.Contains(body, `"Status":200`) {
		t.Errorf("DescribeCustomPermissions wire body after an empty update: %s", body)
	}

	// A profile without capabilities, as sent.
	mkProfile(t, c, "empty", nil)
	d, err = c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("empty")})
	if err != nil {
		t.Fatal(err)
	}
	if d.CustomPermissions.Capabilities != nil {
		t.Errorf("profile created without Capabilities has %+v", d.CustomPermissions.Capabilities)
	}

	del, err := c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports")})
	if err != nil {
		t.Fatal(err)
	}
	if del.Status != 200 || aws.ToString(del.Arn) != arn {
		t.Errorf("DeleteCustomPermissions = %+v", del)
	}
	_, err = c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: aws.String("no-exports")})
	checkErr(t, "describe a deleted profile", err, expectNotFound("", "no-exports"))
	// Its tags went with it: a new profile of the same name starts bare.
	mkProfile(t, c, "no-exports", nil)
	tags, err = c.ListTagsForResource(ctx(t), &quicksight.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if tags.Tags == nil || len(tags.Tags) != 0 {
		t.Errorf("tags of a re-created profile = %v", tags.Tags)
	}
}

func TestCustomPermissionsErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkProfile(t, c, "p", nil)
	register(t, c, "alice", types.UserRoleReader)
	name := aws.String

	checkErr(t, "create a duplicate", func() error {
		_, err := c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("p")})
		return err
	}(), expectExists(""))
	for _, bad := range []string{"no spaces", strings.Repeat("p", 65), "a/b"} {
		_, err := c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name(bad)})
		checkErr(t, "create "+bad, err, expectValidation("CustomPermissionsName"))
	}
	_, err := c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("q"),
		Capabilities: &types.Capabilities{ExportToCsv: "MAYBE"}})
	checkErr(t, "create with a bad capability state", err, expectValidation("Capabilities.ExportToCsv"))
	_, err = c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("q"),
		Tags: []types.Tag{tag("a", "1"), tag("a", "2")}})
	checkErr(t, "create with a duplicate tag key", err, expectInvalid("Tags[1].Key"))
	_, err = c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("q"),
		Tags: []types.Tag{tag("aws:owner", "1")}})
	checkErr(t, "create with a reserved tag key", err, expectInvalid("Tags[0].Key"))
	_, err = c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("q"), Tags: nTags(51, "k")})
	checkErr(t, "create with 51 tags", err, expectLimit(""))
	// None of the failed creates left a profile behind.
	_, err = c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("q")})
	checkErr(t, "describe a profile whose creation failed", err, expectNotFound("", "q"))

	for op, call := range map[string]func() error{
		"describe": func() error {
			_, err := c.DescribeCustomPermissions(ctx(t), &quicksight.DescribeCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("nope")})
			return err
		},
		"update": func() error {
			_, err := c.UpdateCustomPermissions(ctx(t), &quicksight.UpdateCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("nope")})
			return err
		},
		"delete": func() error {
			_, err := c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("nope")})
			return err
		},
		"apply to a user": func() error {
			_, err := c.UpdateUserCustomPermission(ctx(t), &quicksight.UpdateUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice"), CustomPermissionsName: name("nope")})
			return err
		},
		"apply to the account": func() error {
			_, err := c.UpdateAccountCustomPermission(ctx(t), &quicksight.UpdateAccountCustomPermissionInput{AwsAccountId: acct, CustomPermissionsName: name("nope")})
			return err
		},
		"apply to a role": func() error {
			_, err := c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleReader, CustomPermissionsName: name("nope")})
			return err
		},
		"RegisterUser": func() error {
			_, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: name("default"), IdentityType: types.IdentityTypeQuicksight,
				UserName: name("bob"), Email: name("bob@example.com"), UserRole: types.UserRoleReader, CustomPermissionsName: name("nope")})
			return err
		},
		"UpdateUser": func() error {
			_, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice"),
				Email: name("alice@example.com"), Role: types.UserRoleReader, CustomPermissionsName: name("nope")})
			return err
		},
	} {
		checkErr(t, op+" with an unknown profile", call(), expectNotFound("", "nope"))
	}
	// RegisterUser with an unknown profile registered nobody; UpdateUser changed nothing.
	_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("bob")})
	checkErr(t, "describe bob", err, expectNotFound(types.ExceptionResourceTypeUser, "bob"))

	// Unknown users and namespaces.
	_, err = c.UpdateUserCustomPermission(ctx(t), &quicksight.UpdateUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("nobody"), CustomPermissionsName: name("p")})
	checkErr(t, "apply to an unknown user", err, expectNotFound(types.ExceptionResourceTypeUser, "nobody"))
	_, err = c.UpdateUserCustomPermission(ctx(t), &quicksight.UpdateUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("nowhere"), UserName: name("alice"), CustomPermissionsName: name("p")})
	checkErr(t, "apply in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.DeleteUserCustomPermission(ctx(t), &quicksight.DeleteUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("nobody")})
	checkErr(t, "unapply from an unknown user", err, expectNotFound(types.ExceptionResourceTypeUser, "nobody"))
	_, err = c.DeleteUserCustomPermission(ctx(t), &quicksight.DeleteUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("nowhere"), UserName: name("alice")})
	checkErr(t, "unapply in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))

	// Pagination tokens: the model declares no InvalidNextTokenException
	// for ListCustomPermissions, so a bad token is an invalid NextToken.
	for _, tok := range []string{"garbage", "eyJrIjoiY3VzdG9tcGVybWlzc2lvbnMifQ.AAAA"} {
		_, err := c.ListCustomPermissions(ctx(t), &quicksight.ListCustomPermissionsInput{AwsAccountId: acct, NextToken: name(tok)})
		checkErr(t, "ListCustomPermissions with token "+tok, err, expectInvalid("NextToken"))
	}
	_, err = c.ListCustomPermissions(ctx(t), &quicksight.ListCustomPermissionsInput{AwsAccountId: acct, MaxResults: aws.Int32(101)})
	checkErr(t, "ListCustomPermissions MaxResults 101", err, expectValidation("MaxResults"))
}

// TestProfileInUse: a profile applied to a user, a role or the account
// cannot be deleted until every use is gone.
func TestProfileInUse(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, name := aws.String(account), aws.String
	mkProfile(t, c, "restricted", &types.Capabilities{ExportToPdf: types.CapabilityStateDeny})
	mkProfile(t, c, "other", nil)
	register(t, c, "alice", types.UserRoleAuthor)
	deleteProfile := func() error {
		_, err := c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("restricted")})
		return err
	}
	describeUser := func() *types.User {
		d, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice")})
		if err != nil {
			t.Fatal(err)
		}
		return d.User
	}

	// A user.
	uu, err := c.UpdateUserCustomPermission(ctx(t), &quicksight.UpdateUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice"), CustomPermissionsName: name("restricted")})
	if err != nil {
		t.Fatal(err)
	}
	if uu.Status != 200 {
		t.Errorf("UpdateUserCustomPermission status %d", uu.Status)
	}
	if got := aws.ToString(describeUser().CustomPermissionsName); got != "restricted" {
		t.Errorf("user's profile = %q", got)
	}
	checkErr(t, "delete a profile applied to a user", deleteProfile(), expectConflict("restricted"))
	if _, err := c.DeleteUserCustomPermission(ctx(t), &quicksight.DeleteUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice")}); err != nil {
		t.Fatal(err)
	}
	if u := describeUser(); u.CustomPermissionsName != nil {
		t.Errorf("profile after DeleteUserCustomPermission = %q", *u.CustomPermissionsName)
	}
	// Unapplying again succeeds.
	if _, err := c.DeleteUserCustomPermission(ctx(t), &quicksight.DeleteUserCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("alice")}); err != nil {
		t.Errorf("DeleteUserCustomPermission without a profile: %v", err)
	}
	// Through RegisterUser and UpdateUser too.
	if _, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: name("default"), IdentityType: types.IdentityTypeQuicksight,
		UserName: name("bob"), Email: name("bob@example.com"), UserRole: types.UserRoleReader, CustomPermissionsName: name("restricted")}); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "delete a profile applied at registration", deleteProfile(), expectConflict("restricted"))
	if _, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("bob"),
		Email: name("bob@example.com"), Role: types.UserRoleReader, CustomPermissionsName: name("other")}); err != nil {
		t.Fatal(err)
	}

	// The account.
	desc, err := c.DescribeAccountCustomPermission(ctx(t), &quicksight.DescribeAccountCustomPermissionInput{AwsAccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	if desc.CustomPermissionsName != nil || desc.Status != 200 {
		t.Errorf("DescribeAccountCustomPermission with none = %q, status %d", aws.ToString(desc.CustomPermissionsName), desc.Status)
	}
	ua, err := c.UpdateAccountCustomPermission(ctx(t), &quicksight.UpdateAccountCustomPermissionInput{AwsAccountId: acct, CustomPermissionsName: name("restricted")})
	if err != nil {
		t.Fatal(err)
	}
	if ua.Status != 200 {
		t.Errorf("UpdateAccountCustomPermission status %d", ua.Status)
	}
	desc, err = c.DescribeAccountCustomPermission(ctx(t), &quicksight.DescribeAccountCustomPermissionInput{AwsAccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.CustomPermissionsName) != "restricted" || desc.Status != 200 {
		t.Errorf("DescribeAccountCustomPermission = %q, status %d", aws.ToString(desc.CustomPermissionsName), desc.Status)
	}
	checkErr(t, "delete the account's profile", deleteProfile(), expectConflict("restricted"))
	for i := range 2 { // the second time, with none applied
		da, err := c.DeleteAccountCustomPermission(ctx(t), &quicksight.DeleteAccountCustomPermissionInput{AwsAccountId: acct})
		if err != nil {
			t.Fatalf("DeleteAccountCustomPermission #%d: %v", i+1, err)
		}
		if da.Status != 200 {
			t.Errorf("DeleteAccountCustomPermission status %d", da.Status)
		}
	}
	if body := rawGet(t, s, "/accounts/"+account+"/custom-permission"); strings.Contains(body, "CustomPermissionsName") || !strings.Contains(body, `"Status":200`) {
		t.Errorf("DescribeAccountCustomPermission wire body with none applied: %s", body)
	}

	// A role, in a namespace other than default.
	mkNamespace(t, c, "sales")
	if _, err := c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("sales"), Role: types.RoleReaderPro, CustomPermissionsName: name("restricted")}); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "delete a role's profile", deleteProfile(), expectConflict("restricted"))
	if _, err := c.DeleteRoleCustomPermission(ctx(t), &quicksight.DeleteRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("sales"), Role: types.RoleReaderPro}); err != nil {
		t.Fatal(err)
	}

	// Unused now: it goes.
	if err := deleteProfile(); err != nil {
		t.Fatalf("deleting an unused profile: %v", err)
	}
	// "other" is still on bob.
	_, err = c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("other")})
	checkErr(t, "delete a profile applied by UpdateUser", err, expectConflict("other"))
	// Deleting the user releases it.
	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: name("default"), UserName: name("bob")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("other")}); err != nil {
		t.Errorf("deleting a profile whose user is gone: %v", err)
	}
}

func TestListCustomPermissionsPages(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	// A new account has none, and says so with an empty list.
	if body := rawGet(t, s, "/accounts/"+account+"/custom-permissions"); !strings.Contains(body, `"CustomPermissionsList":[]`) {
		t.Errorf("ListCustomPermissions of a new account: %s", body)
	}
	const n = 7
	for i := n - 1; i >= 0; i-- {
		mkProfile(t, c, fmt.Sprintf("p%02d", i), &types.Capabilities{PrintReports: types.CapabilityStateDeny})
	}
	p := quicksight.NewListCustomPermissionsPaginator(c, &quicksight.ListCustomPermissionsInput{AwsAccountId: aws.String(account), MaxResults: aws.Int32(3)})
	var names []string
	pages := 0
	var firstToken *string
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if pages == 0 {
			firstToken = page.NextToken
		}
		pages++
		if len(page.CustomPermissionsList) > 3 || page.Status != 200 {
			t.Errorf("page of %d profiles, status %d", len(page.CustomPermissionsList), page.Status)
		}
		for _, pr := range page.CustomPermissionsList {
			names = append(names, aws.ToString(pr.CustomPermissionsName))
			if pr.Capabilities == nil || pr.Capabilities.PrintReports != types.CapabilityStateDeny || !strings.HasSuffix(aws.ToString(pr.Arn), ":custompermission/"+aws.ToString(pr.CustomPermissionsName)) {
				t.Errorf("listed profile %+v", pr)
			}
		}
	}
	if pages != 3 || fmt.Sprint(names) != "[p00 p01 p02 p03 p04 p05 p06]" {
		t.Errorf("%d pages: %v", pages, names)
	}
	// A token of this listing is no good for another account's, nor for ListUsers.
	other := "444455556666"
	_, err := c.ListCustomPermissions(ctx(t), &quicksight.ListCustomPermissionsInput{AwsAccountId: aws.String(other), NextToken: firstToken})
	checkErr(t, "token replayed against another account", err, expectInvalid("NextToken"))
	_, err = c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), NextToken: firstToken})
	checkErr(t, "token replayed against ListUsers", err, expectBadToken)
}

func nTags(n int, prefix string) []types.Tag {
	out := make([]types.Tag, n)
	for i := range out {
		out[i] = tag(fmt.Sprintf("%s%02d", prefix, i), "v")
	}
	return out
}

func tagString(tags []types.Tag) string {
	var kv []string
	for _, t := range tags {
		kv = append(kv, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return strings.Join(kv, " ")
}

// resourcePath is the wire path of a tag operation on arn.
func resourcePath(arn string) string {
	return "/resources/" + url.PathEscape(arn) + "/tags"
}
