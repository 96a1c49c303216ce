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

func TestRoleMemberships(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct, name := aws.String(account), aws.String
	groups := []string{"analysts", "a/b@c d+e=f", "bi", "Zoë", "viewers"}
	for _, g := range groups {
		mkGroup(t, c, "default", g, "")
	}
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
	first, err := c.ListRoleMemberships(ctx(t), &quicksight.ListRoleMembershipsInput{AwsAccountId: acct, Namespace: name("default"), Role: types.RoleAuthor, MaxResults: aws.Int32(1)})
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
	checkErr(t, "map an unknown group", add("default", types.RoleAdmin, "nobody"), expectNotFound(types.ExceptionResourceTypeGroup, "nobody"))
	checkErr(t, "map a group of another namespace", add("sales", types.RoleAdmin, "analysts"), expectNotFound(types.ExceptionResourceTypeGroup, "analysts"))
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

	// Deleting a group unmaps it from every role.
	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: name("default"), GroupName: name("viewers")}); err != nil {
		t.Fatal(err)
	}
	if got, _ := roleMembers(t, c, "default", types.RoleReader, 100); len(got) != 0 {
		t.Errorf("READER members after deleting the group = %q", got)
	}
	if got, _ := roleMembers(t, c, "default", types.RoleAuthor, 100); fmt.Sprint(got) != "[Zoë analysts bi]" {
		t.Errorf("AUTHOR members = %q", got)
	}
	// A new group of the same name is not mapped.
	mkGroup(t, c, "default", "viewers", "")
	if got, _ := roleMembers(t, c, "default", types.RoleReader, 100); len(got) != 0 {
		t.Errorf("a re-created group inherited its role: %q", got)
	}
}
