package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// roleMembers lists every group mapped to a role, pageSize at a time.
func roleMembers(t *testing.T, c *quicksight.Client, ns string, role types.Role, pageSize int32) (names []string, pages int) {
	t.Helper()
	p := quicksight.NewListRoleMembershipsPaginator(c, &quicksight.ListRoleMembershipsInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns), Role: role, MaxResults: aws.Int32(pageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.MembersList) > int(pageSize) {
			t.Errorf("page of %d members with MaxResults %d", len(page.MembersList), pageSize)
		}
		names = append(names, page.MembersList...)
	}
	return names, pages
}

func TestRoleCustomPermission(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, name := aws.String(account), aws.String
	mkProfile(t, c, "readers", nil)
	mkProfile(t, c, "authors", nil)
	describe := func(ns string, role types.Role) *quicksight.DescribeRoleCustomPermissionOutput {
		t.Helper()
		d, err := c.DescribeRoleCustomPermission(ctx(t), &quicksight.DescribeRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name(ns), Role: role})
		if err != nil {
			t.Fatalf("DescribeRoleCustomPermission %s %s: %v", ns, role, err)
		}
		if d.Status != 200 {
			t.Errorf("DescribeRoleCustomPermission status %d", d.Status)
		}
		return d
	}

	// None applied: success without a name.
	if d := describe("default", types.RoleReader); d.CustomPermissionsName != nil {
		t.Errorf("a fresh role has profile %q", *d.CustomPermissionsName)
	}
	if body := rawGet(t, s, "/accounts/"+account+"/namespaces/default/roles/READER/custom-permission"); strings.Contains(body, "CustomPermissionsName") || !strings.Contains(body, `"Status":200`) {
		t.Errorf("DescribeRoleCustomPermission wire body with none applied: %s", body)
	}
	for _, tc := range []struct {
		role    types.Role
		profile string
	}{{types.RoleReader, "readers"}, {types.RoleAuthor, "authors"}, {types.RoleReader, "authors"}} {
		out, err := c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: tc.role, CustomPermissionsName: name(tc.profile)})
		if err != nil {
			t.Fatal(err)
		}
		if out.Status != 200 {
			t.Errorf("UpdateRoleCustomPermission status %d", out.Status)
		}
		if got := aws.ToString(describe("default", tc.role).CustomPermissionsName); got != tc.profile {
			t.Errorf("role %s has profile %q, want %q", tc.role, got, tc.profile)
		}
	}
	// Roles are per namespace.
	mkNamespace(t, c, "sales")
	if d := describe("sales", types.RoleReader); d.CustomPermissionsName != nil {
		t.Errorf("READER in sales has profile %q", *d.CustomPermissionsName)
	}
	if got := aws.ToString(describe("default", types.RoleAdmin).CustomPermissionsName); got != "" {
		t.Errorf("ADMIN has profile %q", got)
	}

	for i := range 2 { // the second time, with none applied
		out, err := c.DeleteRoleCustomPermission(ctx(t), &quicksight.DeleteRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleReader})
		if err != nil {
			t.Fatalf("DeleteRoleCustomPermission #%d: %v", i+1, err)
		}
		if out.Status != 200 {
			t.Errorf("DeleteRoleCustomPermission status %d", out.Status)
		}
	}
	if d := describe("default", types.RoleReader); d.CustomPermissionsName != nil {
		t.Errorf("READER after delete has %q", *d.CustomPermissionsName)
	}
	if got := aws.ToString(describe("default", types.RoleAuthor).CustomPermissionsName); got != "authors" {
		t.Errorf("AUTHOR lost its profile: %q", got)
	}

	// Errors.
	_, err := c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAdmin, CustomPermissionsName: name("nope")})
	checkErr(t, "apply an unknown profile to a role", err, expectNotFound("", "nope"))
	_, err = c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("nowhere"), Role: types.RoleAdmin, CustomPermissionsName: name("readers")})
	checkErr(t, "apply in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.DescribeRoleCustomPermission(ctx(t), &quicksight.DescribeRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("nowhere"), Role: types.RoleAdmin})
	checkErr(t, "describe in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.DeleteRoleCustomPermission(ctx(t), &quicksight.DeleteRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("nowhere"), Role: types.RoleAdmin})
	checkErr(t, "delete in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: "SUPERUSER", CustomPermissionsName: name("readers")})
	checkErr(t, "an unknown role", err, expectValidation("Role"))
	_, err = c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAdmin, CustomPermissionsName: name("bad name")})
	checkErr(t, "a malformed profile name", err, expectValidation("CustomPermissionsName"))

	// Deleting a namespace takes its roles' profiles with it, releasing the profile.
	if _, err := c.UpdateRoleCustomPermission(ctx(t), &quicksight.UpdateRoleCustomPermissionInput{AwsAccountId: acct, Namespace: name("sales"), Role: types.RoleAdminPro, CustomPermissionsName: name("readers")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("readers")})
	checkErr(t, "delete a profile a role in sales uses", err, expectConflict("readers"))
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: name("sales")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteCustomPermissions(ctx(t), &quicksight.DeleteCustomPermissionsInput{AwsAccountId: acct, CustomPermissionsName: name("readers")}); err != nil {
		t.Errorf("delete a profile whose namespace is gone: %v", err)
	}
}

// Role memberships map directory groups to roles, in accounts whose
// identities live in IAM Identity Center or Active Directory.
func TestRoleMemberships(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--authentication-method", "IAM_IDENTITY_CENTER")
	c := s.client("us-east-1")
	acct, name := aws.String(account), aws.String
	groups := []string{"analysts", "a/b@c d+e=f", "bi", "Zoë", "viewers"}
	add := func(ns string, role types.Role, group string) error {
		out, err := c.CreateRoleMembership(ctx(t), &quicksight.CreateRoleMembershipInput{AwsAccountId: acct, Namespace: name(ns), Role: role, MemberName: name(group)})
		if err == nil && out.Status != 200 {
			t.Errorf("CreateRoleMembership status %d", out.Status)
		}
		return err
	}
	for _, g := range groups {
		if err := add("default", types.RoleAuthor, g); err != nil {
			t.Fatalf("CreateRoleMembership %q: %v", g, err)
		}
	}
	// The directory's groups appear in QuickSight as they are mapped, as
	// after a sync; QuickSight does not manage them.
	if d, err := c.DescribeGroup(ctx(t), &quicksight.DescribeGroupInput{AwsAccountId: acct, Namespace: name("default"), GroupName: name("Zoë")}); err != nil ||
		aws.ToString(d.Group.GroupName) != "Zoë" || !strings.HasPrefix(aws.ToString(d.Group.PrincipalId), "group/d-") {
		t.Errorf("DescribeGroup of a mapped directory group: %+v, %v", d, err)
	}
	const managed = "Operation is disabled for identities managed by IAM Identity Center"
	_, err := c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: name("default"), GroupName: name("mine")})
	checkErr(t, "CreateGroup in an IAM Identity Center account", err, expectDenied(managed))
	_, err = c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: name("default"), GroupName: name("bi")})
	checkErr(t, "DeleteGroup in an IAM Identity Center account", err, expectDenied(managed))
	// Mapping again changes nothing and succeeds.
	if err := add("default", types.RoleAuthor, "bi"); err != nil {
		t.Errorf("CreateRoleMembership of a mapped group: %v", err)
	}
	if err := add("default", types.RoleReader, "viewers"); err != nil {
		t.Fatal(err)
	}
	got, pages := roleMembers(t, c, "default", types.RoleAuthor, 2)
	// Byte order, as names compare.
	if fmt.Sprint(got) != "[Zoë a/b@c d+e=f analysts bi viewers]" || pages != 3 {
		t.Errorf("AUTHOR members = %q in %d pages", got, pages)
	}
	if got, _ := roleMembers(t, c, "default", types.RoleReader, 100); fmt.Sprint(got) != "[viewers]" {
		t.Errorf("READER members = %q", got)
	}
	if body := rawGet(t, s, "/accounts/"+account+"/namespaces/default/roles/ADMIN/members"); !strings.Contains(body, `"MembersList":[]`) {
		t.Errorf("ListRoleMemberships of a role without members: %s", body)
	}

	// Tokens are scoped to the account, namespace and role.
	var first *quicksight.ListRoleMembershipsOutput
	first, err = c.ListRoleMemberships(ctx(t), &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAuthor, MaxResults: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if first.NextToken == nil || len(first.MembersList) != 1 {
		t.Fatalf("first page: %+v", first)
	}
	mkNamespace(t, c, "sales")
	for _, tc := range []struct {
		what string
		in   *quicksight.ListRoleMembershipsInput
	}{
		{"another role", &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleReader, NextToken: first.NextToken}},
		{"another namespace", &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("sales"), Role: types.RoleAuthor, NextToken: first.NextToken}},
		{"another account", &quicksight.ListRoleMembershipsInput{AwsAccountId: name("444455556666"), Namespace: name("default"), Role: types.RoleAuthor, NextToken: first.NextToken}},
		{"garbage", &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAuthor, NextToken: name("garbage")}},
	} {
		_, err := c.ListRoleMemberships(ctx(t), tc.in)
		checkErr(t, "token replayed against "+tc.what, err, expectBadToken)
	}

	// Errors.
	checkErr(t, "map in an unknown namespace", add("nowhere", types.RoleAdmin, "analysts"), expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	checkErr(t, "map to an unknown role", add("default", "OWNER", "analysts"), expectValidation("Role"))
	_, err = c.ListRoleMemberships(ctx(t), &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("nowhere"), Role: types.RoleAuthor})
	checkErr(t, "list in an unknown namespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	_, err = c.ListRoleMemberships(ctx(t), &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAuthor, MaxResults: aws.Int32(0)})
	checkErr(t, "MaxResults 0", err, expectValidation("MaxResults"))

	remove := func(ns string, role types.Role, group string) error {
		out, err := c.DeleteRoleMembership(ctx(t), &quicksight.DeleteRoleMembershipInput{AwsAccountId: acct, Namespace: name(ns), Role: role, MemberName: name(group)})
		if err == nil && out.Status != 200 {
			t.Errorf("DeleteRoleMembership status %d", out.Status)
		}
		return err
	}
	if err := remove("default", types.RoleAuthor, "a/b@c d+e=f"); err != nil {
		t.Fatal(err)
	}
	checkErr(t, "remove it again", remove("default", types.RoleAuthor, "a/b@c d+e=f"), expectNotFound("", "a/b@c d+e=f"))
	checkErr(t, "remove a group mapped to another role", remove("default", types.RoleAdmin, "viewers"), expectNotFound("", "viewers"))
	checkErr(t, "remove an unknown group", remove("default", types.RoleAuthor, "nobody"), expectNotFound(types.ExceptionResourceTypeGroup, "nobody"))
	checkErr(t, "remove in an unknown namespace", remove("nowhere", types.RoleAuthor, "bi"), expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	if got, _ := roleMembers(t, c, "default", types.RoleAuthor, 100); fmt.Sprint(got) != "[Zoë analysts bi viewers]" {
		t.Errorf("AUTHOR members = %q", got)
	}
}

// Accounts of IAM and QuickSight users have no role memberships; their
// users carry their roles themselves.
func TestRoleMembershipsNeedADirectory(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	mkGroup(t, c, "default", "analysts", "")
	const refused = "Operation is available only for accounts that use Active Directory or IAM Identity Center; this account uses IAM_AND_QUICKSIGHT."
	_, err := c.CreateRoleMembership(ctx(t), &quicksight.CreateRoleMembershipInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), Role: types.RoleAuthor, MemberName: aws.String("analysts")})
	checkErr(t, "CreateRoleMembership", err, expectDenied(refused))
	_, err = c.ListRoleMemberships(ctx(t), &quicksight.ListRoleMembershipsInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), Role: types.RoleAuthor})
	checkErr(t, "ListRoleMemberships", err, expectDenied(refused))
}
