package e2e

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

func register(t *testing.T, c *quicksight.Client, name string, role types.UserRole) *types.User {
	t.Helper()
	out, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		IdentityType: types.IdentityTypeQuicksight, Email: aws.String(name + "@example.com"),
		UserRole: role, UserName: aws.String(name),
	})
	if err != nil {
		t.Fatalf("RegisterUser %q: %v", name, err)
	}
	if out.Status != 201 { // as AWS answers (docs/behaviour.md)
		t.Errorf("RegisterUser %q: Status %d, want 201", name, out.Status)
	}
	return out.User
}

func TestUserLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--region", "eu-west-2") // the accounts' identity region
	c := s.client("eu-west-2")
	names := []string{"alice", "a/b@c d+e=f", "Zoë"}
	for _, name := range names {
		u := register(t, c, name, types.UserRoleReader)
		want := "arn:aws:quicksight:eu-west-2:" + account + ":user/default/" + name
		if aws.ToString(u.Arn) != want || aws.ToString(u.UserName) != name || u.Role != types.UserRoleReader ||
			u.IdentityType != types.IdentityTypeQuicksight || aws.ToString(u.PrincipalId) == "" || u.Active {
			t.Errorf("RegisterUser %q = %+v", name, *u)
		}
		d, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeUser %q: %v", name, err)
		}
		if aws.ToString(d.User.PrincipalId) != aws.ToString(u.PrincipalId) || d.Status != 200 || aws.ToString(d.RequestId) == "" {
			t.Errorf("DescribeUser %q = %+v (status %d)", name, *d.User, d.Status)
		}
	}

	if _, err := c.CreateCustomPermissions(ctx(t), &quicksight.CreateCustomPermissionsInput{
		AwsAccountId: aws.String(account), CustomPermissionsName: aws.String("no-exports"),
	}); err != nil {
		t.Fatal(err)
	}
	up, err := c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice"),
		Email: aws.String("new@example.com"), Role: types.UserRoleAuthorPro,
		CustomPermissionsName:               aws.String("no-exports"),
		ExternalLoginFederationProviderType: aws.String("CUSTOM_OIDC"),
		CustomFederationProviderUrl:         aws.String("https://idp.example.com"),
		ExternalLoginId:                     aws.String("alice-at-idp"),
	})
	if err != nil {
		t.Fatal(err)
	}
	u := up.User
	if aws.ToString(u.Email) != "new@example.com" || u.Role != types.UserRoleAuthorPro || aws.ToString(u.CustomPermissionsName) != "no-exports" ||
		aws.ToString(u.ExternalLoginFederationProviderType) != "CUSTOM_OIDC" || aws.ToString(u.ExternalLoginFederationProviderUrl) != "https://idp.example.com" ||
		aws.ToString(u.ExternalLoginId) != "alice-at-idp" {
		t.Errorf("UpdateUser = %+v", *u)
	}

	// COGNITO implies its provider URL; UnapplyCustomPermissions clears the profile.
	up, err = c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice"),
		Email: aws.String("new@example.com"), Role: types.UserRoleAuthorPro,
		UnapplyCustomPermissions:            true,
		ExternalLoginFederationProviderType: aws.String("COGNITO"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(up.User.ExternalLoginFederationProviderUrl) != "cognito-identity.amazonaws.com" || up.User.CustomPermissionsName != nil {
		t.Errorf("UpdateUser COGNITO = %+v", *up.User)
	}
	// NONE clears the saved external login.
	up, err = c.UpdateUser(ctx(t), &quicksight.UpdateUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice"),
		Email: aws.String("new@example.com"), Role: types.UserRoleAuthorPro,
		ExternalLoginFederationProviderType: aws.String("NONE"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if up.User.ExternalLoginFederationProviderType != nil || up.User.ExternalLoginFederationProviderUrl != nil || up.User.ExternalLoginId != nil {
		t.Errorf("UpdateUser NONE = %+v", *up.User)
	}

	list, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range list.UserList {
		got = append(got, aws.ToString(u.UserName))
	}
	want := append([]string(nil), names...)
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) || list.NextToken != nil {
		t.Errorf("ListUsers = %q (next %v), want %q", got, list.NextToken, want)
	}

	if _, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("a/b@c d+e=f")}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("Zoë")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteUserByPrincipalId(ctx(t), &quicksight.DeleteUserByPrincipalIdInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), PrincipalId: d.User.PrincipalId}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a/b@c d+e=f", "Zoë"} {
		_, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String(name)})
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) || nf.ResourceType != types.ExceptionResourceTypeUser {
			t.Errorf("DescribeUser of deleted %q: %v", name, err)
		}
	}
}

func TestRegisterIAMUsers(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	// Principal ids are IAM unique ids: the prefix, then 17 of IAM's
	// alphabet, A-Z and 2-7 (docs/behaviour.md).
	tests := []struct {
		arn, session, want string
		principal          *regexp.Regexp
	}{
		{"arn:aws:iam::" + account + ":user/engineering/bob", "", "bob", regexp.MustCompile(`^federated/iam/AIDA[A-Z2-7]{17}$`)},
		{"arn:aws:iam::" + account + ":role/Analyst", "carol@example.com", "Analyst/carol@example.com", regexp.MustCompile(`^federated/iam/AROA[A-Z2-7]{17}:carol@example\.com$`)},
		{"arn:aws:iam::" + account + ":role/Auditor", "", "Auditor", regexp.MustCompile(`^federated/iam/AROA[A-Z2-7]{17}$`)},
	}
	for _, tt := range tests {
		in := &quicksight.RegisterUserInput{
			AwsAccountId: aws.String(account), Namespace: aws.String("default"),
			IdentityType: types.IdentityTypeIam, Email: aws.String("x@example.com"), UserRole: types.UserRoleAuthor,
			IamArn: aws.String(tt.arn),
		}
		if tt.session != "" {
			in.SessionName = aws.String(tt.session)
		}
		out, err := c.RegisterUser(ctx(t), in)
		if err != nil {
			t.Fatalf("%s: %v", tt.arn, err)
		}
		// As AWS: inactive in the registration's answer, active from then on.
		if aws.ToString(out.User.UserName) != tt.want || out.UserInvitationUrl != nil || out.User.Active {
			t.Errorf("%s: user %+v, invitation %v", tt.arn, *out.User, out.UserInvitationUrl)
		}
		if pid := aws.ToString(out.User.PrincipalId); !tt.principal.MatchString(pid) {
			t.Errorf("%s: PrincipalId %q, want %s", tt.arn, pid, tt.principal)
		}
		d, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: out.User.UserName})
		if err != nil || !d.User.Active {
			t.Errorf("%s: described as %+v, %v; want active", tt.arn, d, err)
		}
	}
}

func TestListUsersPages(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	const n = 23
	for i := range n {
		register(t, c, fmt.Sprintf("user%02d", i), types.UserRoleReader)
	}
	p := quicksight.NewListUsersPaginator(c, &quicksight.ListUsersInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), MaxResults: aws.Int32(5),
	})
	var names []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.UserList) > 5 {
			t.Errorf("page of %d users with MaxResults 5", len(page.UserList))
		}
		for _, u := range page.UserList {
			names = append(names, aws.ToString(u.UserName))
		}
	}
	if pages != 5 || len(names) != n || !sort.StringsAreSorted(names) {
		t.Errorf("%d pages, %d users %q", pages, len(names), names)
	}

	for _, tok := range []string{"garbage", "eyJrIjoidXNlcnMifQ.AAAA"} {
		_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), NextToken: aws.String(tok)})
		var bad *types.InvalidNextTokenException
		if !errors.As(err, &bad) {
			t.Errorf("NextToken %q: %v, want InvalidNextTokenException", tok, err)
		}
	}
}
