package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// identityDenied is AWS's answer to identity management called outside
// the account's identity region.
func identityDenied(from, identity string) string {
	return "Operation is being called from endpoint " + from + ", but your identity region is " + identity +
		". Please use the " + identity + " endpoint."
}

// TestIdentityRegion: users and groups live in the account's identity
// region, the server's --region for an account made by its first request.
func TestIdentityRegion(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--region", "eu-central-1")
	home, away := s.client("eu-central-1"), s.client("us-west-2")
	acct, def := aws.String(account), aws.String("default")
	u := register(t, home, "alice", types.UserRoleReader)
	if want := "arn:aws:quicksight:eu-central-1:" + account + ":user/default/alice"; aws.ToString(u.Arn) != want {
		t.Errorf("user ARN %s, want %s", aws.ToString(u.Arn), want)
	}
	mkGroup(t, home, "default", "team", "")
	denied := expectDenied(identityDenied("us-west-2", "eu-central-1"))
	for name, call := range map[string]func() error{
		"RegisterUser": func() error {
			_, err := away.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: def, IdentityType: types.IdentityTypeQuicksight,
				UserName: aws.String("bob"), Email: aws.String("bob@example.com"), UserRole: types.UserRoleReader})
			return err
		},
		"DescribeUser": func() error {
			_, err := away.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice")})
			return err
		},
		"UpdateUser": func() error {
			_, err := away.UpdateUser(ctx(t), &quicksight.UpdateUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice"),
				Email: aws.String("a@example.com"), Role: types.UserRoleAuthor})
			return err
		},
		"ListUsers": func() error {
			_, err := away.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def})
			return err
		},
		"DeleteUser": func() error {
			_, err := away.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice")})
			return err
		},
		"CreateGroup": func() error {
			_, err := away.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: def, GroupName: aws.String("other")})
			return err
		},
		"ListGroups": func() error {
			_, err := away.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: acct, Namespace: def})
			return err
		},
		"CreateGroupMembership": func() error {
			_, err := away.CreateGroupMembership(ctx(t), &quicksight.CreateGroupMembershipInput{AwsAccountId: acct, Namespace: def,
				GroupName: aws.String("team"), MemberName: aws.String("alice")})
			return err
		},
		"DescribeAccountSettings": func() error {
			_, err := away.DescribeAccountSettings(ctx(t), &quicksight.DescribeAccountSettingsInput{AwsAccountId: acct})
			return err
		},
	} {
		checkErr(t, name+" from us-west-2", call(), denied)
	}
	// Nothing changed: alice is still a reader, in no group.
	d, err := home.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("alice")})
	if err != nil || d.User.Role != types.UserRoleReader || aws.ToString(d.User.Email) != "alice@example.com" {
		t.Errorf("alice after the refused calls: %+v, %v", d, err)
	}
	// Namespaces, analyses and subscriptions answer from any region; the
	// default namespace's capacity region is the identity region.
	ns, err := away.DescribeNamespace(ctx(t), &quicksight.DescribeNamespaceInput{AwsAccountId: acct, Namespace: def})
	if err != nil || aws.ToString(ns.Namespace.CapacityRegion) != "eu-central-1" {
		t.Errorf("DescribeNamespace from us-west-2: %+v, %v", ns, err)
	}
	if _, err := away.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: acct}); err != nil {
		t.Errorf("DescribeAccountSubscription from us-west-2: %v", err)
	}
	// Permissions name users and groups by their ARNs in the identity
	// region, whatever region the caller and the request's ARN name.
	if _, err := away.CreateAnalysis(ctx(t), &quicksight.CreateAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a1"), Name: aws.String("A1"),
		Definition: definition("s1"), Permissions: []types.ResourcePermission{
			perm("arn:aws:quicksight:us-west-2:"+account+":user/default/alice", "quicksight:DescribeAnalysis")}}); err != nil {
		t.Fatal(err)
	}
	p, err := away.DescribeAnalysisPermissions(ctx(t), &quicksight.DescribeAnalysisPermissionsInput{AwsAccountId: acct, AnalysisId: aws.String("a1")})
	if err != nil || len(p.Permissions) != 1 || aws.ToString(p.Permissions[0].Principal) != "arn:aws:quicksight:eu-central-1:"+account+":user/default/alice" {
		t.Errorf("DescribeAnalysisPermissions from us-west-2: %+v, %v", p, err)
	}
}

// TestAccountSubscription: subscribing, reading, changing settings and
// unsubscribing, as Terraform's aws_quicksight_account_subscription does.
func TestAccountSubscription(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--accounts", "subscribed")
	c, away := s.client("ap-southeast-2"), s.client("us-east-1")
	acct := aws.String(account)

	// Not signed up: identity calls name the namespace, asset calls the
	// edition, subscription calls find nothing.
	_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	checkErr(t, "ListUsers before subscribing", err, expectNotFound("",
		"Account "+account+" is not signed up with QuickSight with namespace default. AWS account ID: "+account+", Namespace: default."))
	_, err = c.ListAnalyses(ctx(t), &quicksight.ListAnalysesInput{AwsAccountId: acct})
	checkErr(t, "ListAnalyses before subscribing", err, expectCode("UnsupportedUserEditionException", "Account "+account+" is not subscribed for QuickSight"))
	_, err = c.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: acct})
	checkErr(t, "DescribeAccountSubscription before subscribing", err, expectNotFound("", "is not signed up"))

	// Subscribing: the rules of each method first.
	sub := func(in quicksight.CreateAccountSubscriptionInput) (*quicksight.CreateAccountSubscriptionOutput, error) {
		in.AwsAccountId, in.AccountName, in.NotificationEmail = acct, aws.String("acme-bi"), aws.String("ops@example.com")
		return c.CreateAccountSubscription(ctx(t), &in)
	}
	_, err = sub(quicksight.CreateAccountSubscriptionInput{AuthenticationMethod: types.AuthenticationMethodOptionIamIdentityCenter})
	checkErr(t, "IAM Identity Center without an admin group", err,
		expectInvalid("One or more required attributes for identity center are missing: Admin or Admin Pro group."))
	out, err := sub(quicksight.CreateAccountSubscriptionInput{AuthenticationMethod: types.AuthenticationMethodOptionIamAndQuicksight, Edition: types.EditionEnterprise})
	if err != nil || out.Status != 200 || aws.ToString(out.SignupResponse.AccountName) != "acme-bi" || !out.SignupResponse.IAMUser {
		t.Fatalf("CreateAccountSubscription: %+v, %v", out, err)
	}
	_, err = sub(quicksight.CreateAccountSubscriptionInput{AuthenticationMethod: types.AuthenticationMethodOptionIamAndQuicksight})
	checkErr(t, "subscribing twice", err, expectExists(""))

	info := func(cl *quicksight.Client) *types.AccountInfo {
		t.Helper()
		d, err := cl.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: acct})
		if err != nil {
			t.Fatalf("DescribeAccountSubscription: %v", err)
		}
		return d.AccountInfo
	}
	if i := info(away); aws.ToString(i.AccountName) != "acme-bi" || i.Edition != types.EditionEnterprise ||
		aws.ToString(i.NotificationEmail) != "ops@example.com" || aws.ToString(i.AuthenticationType) != "IDENTITY_POOL" ||
		aws.ToString(i.AccountSubscriptionStatus) != "ACCOUNT_CREATED" {
		t.Errorf("AccountInfo = %+v", *i)
	}
	// The region it subscribed from is its identity region.
	register(t, c, "alice", types.UserRoleReader)
	_, err = away.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	checkErr(t, "ListUsers from us-east-1", err, expectDenied(identityDenied("us-east-1", "ap-southeast-2")))

	settings := func() *types.AccountSettings {
		t.Helper()
		d, err := c.DescribeAccountSettings(ctx(t), &quicksight.DescribeAccountSettingsInput{AwsAccountId: acct})
		if err != nil {
			t.Fatalf("DescribeAccountSettings: %v", err)
		}
		return d.AccountSettings
	}
	if st := settings(); aws.ToString(st.AccountName) != "acme-bi" || aws.ToString(st.DefaultNamespace) != "default" ||
		!st.TerminationProtectionEnabled || st.PublicSharingEnabled {
		t.Errorf("AccountSettings = %+v", *st)
	}
	// Termination protection, on from the start, stops the unsubscription.
	_, err = c.DeleteAccountSubscription(ctx(t), &quicksight.DeleteAccountSubscriptionInput{AwsAccountId: acct})
	checkErr(t, "DeleteAccountSubscription while protected", err, expectCode("PreconditionNotMetException", "Termination protection"))
	_, err = c.UpdateAccountSettings(ctx(t), &quicksight.UpdateAccountSettingsInput{AwsAccountId: acct, DefaultNamespace: aws.String("nowhere")})
	checkErr(t, "a default namespace that does not exist", err, expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere"))
	if _, err := c.UpdateAccountSettings(ctx(t), &quicksight.UpdateAccountSettingsInput{AwsAccountId: acct, DefaultNamespace: aws.String("default"),
		NotificationEmail: aws.String("bi@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdatePublicSharingSettings(ctx(t), &quicksight.UpdatePublicSharingSettingsInput{AwsAccountId: acct, PublicSharingEnabled: true}); err != nil {
		t.Fatal(err)
	}
	if st := settings(); aws.ToString(st.NotificationEmail) != "bi@example.com" || st.TerminationProtectionEnabled || !st.PublicSharingEnabled {
		t.Errorf("AccountSettings after the updates = %+v", *st)
	}

	// Unsubscribing empties the account; it answers as one not signed up.
	if _, err := c.DeleteAccountSubscription(ctx(t), &quicksight.DeleteAccountSubscriptionInput{AwsAccountId: acct}); err != nil {
		t.Fatal(err)
	}
	if i := info(c); aws.ToString(i.AccountSubscriptionStatus) != "UNSUBSCRIBED" {
		t.Errorf("status after DeleteAccountSubscription = %s", aws.ToString(i.AccountSubscriptionStatus))
	}
	_, err = c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: aws.String("default"), UserName: aws.String("alice")})
	checkErr(t, "DescribeUser after unsubscribing", err, expectNotFound("", "is not signed up with QuickSight with namespace default"))
	_, err = c.DeleteAccountSubscription(ctx(t), &quicksight.DeleteAccountSubscriptionInput{AwsAccountId: acct})
	checkErr(t, "unsubscribing twice", err, expectNotFound("", "is not signed up"))

	// Subscribing again starts anew, now as an IAM Identity Center account.
	if _, err := sub(quicksight.CreateAccountSubscriptionInput{AuthenticationMethod: types.AuthenticationMethodOptionIamIdentityCenter,
		AdminGroup: []string{"bi-admins"}}); err != nil {
		t.Fatal(err)
	}
	if i := info(c); aws.ToString(i.AuthenticationType) != "IAM_IDENTITY_CENTER" || aws.ToString(i.AccountSubscriptionStatus) != "ACCOUNT_CREATED" {
		t.Errorf("AccountInfo after subscribing again = %+v", *i)
	}
	l, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	if err != nil || len(l.UserList) != 0 {
		t.Errorf("ListUsers after subscribing again: %+v, %v", l, err)
	}
	_, err = c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: acct, Namespace: aws.String("default"), GroupName: aws.String("g")})
	checkErr(t, "CreateGroup in an IAM Identity Center account", err, expectDenied("Operation is disabled for identities managed by IAM Identity Center"))
	// Administrators approve upgrades there by default.
	conf, err := c.DescribeSelfUpgradeConfiguration(ctx(t), &quicksight.DescribeSelfUpgradeConfigurationInput{AwsAccountId: acct, Namespace: aws.String("default")})
	if err != nil || conf.SelfUpgradeConfiguration.SelfUpgradeStatus != types.SelfUpgradeStatusAdminApproval {
		t.Errorf("DescribeSelfUpgradeConfiguration: %+v, %v", conf, err)
	}
	// Another account is not signed up.
	_, err = c.ListGroups(ctx(t), &quicksight.ListGroupsInput{AwsAccountId: aws.String("444455556666"), Namespace: aws.String("default")})
	checkErr(t, "ListGroups of another account", err, expectNotFound("", "Account 444455556666 is not signed up with QuickSight with namespace default."))
}

// TestAuthenticationMethodDefaults: the default self-upgrade policy follows
// the account's authentication method, a setting for accounts made by
// their first request.
func TestAuthenticationMethodDefaults(t *testing.T) {
	t.Parallel()
	for method, want := range map[string]types.SelfUpgradeStatus{
		"IAM_AND_QUICKSIGHT":  types.SelfUpgradeStatusAdminApproval,
		"IAM_ONLY":            types.SelfUpgradeStatusAutoApproval,
		"ACTIVE_DIRECTORY":    types.SelfUpgradeStatusAdminApproval,
		"IAM_IDENTITY_CENTER": types.SelfUpgradeStatusAdminApproval,
	} {
		c := start(t, "", "--authentication-method", method).client("us-east-1")
		conf, err := c.DescribeSelfUpgradeConfiguration(ctx(t), &quicksight.DescribeSelfUpgradeConfigurationInput{AwsAccountId: aws.String(account), Namespace: aws.String("default")})
		if err != nil || conf.SelfUpgradeConfiguration.SelfUpgradeStatus != want {
			t.Errorf("%s: DescribeSelfUpgradeConfiguration = %+v, %v; want %s", method, conf, err, want)
		}
		d, err := c.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: aws.String(account)})
		wantType := map[string]string{"IAM_AND_QUICKSIGHT": "IDENTITY_POOL", "IAM_ONLY": "IAM"}[method]
		if wantType == "" {
			wantType = method
		}
		if err != nil || aws.ToString(d.AccountInfo.AuthenticationType) != wantType || aws.ToString(d.AccountInfo.AccountSubscriptionStatus) != "ACCOUNT_CREATED" {
			t.Errorf("%s: DescribeAccountSubscription = %+v, %v", method, d, err)
		}
	}
}

// TestSubscribingMovesTheIdentityRegion: an account made by its first
// request keeps what it holds when it subscribes, and its identity region
// (and its default namespace's) becomes the subscription's.
func TestSubscribingMovesTheIdentityRegion(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--async-delay", "400ms")
	first, later := s.client("us-east-1"), s.client("eu-west-1")
	acct := aws.String(account)
	register(t, first, "alice", types.UserRoleReader)
	if _, err := later.CreateAccountSubscription(ctx(t), &quicksight.CreateAccountSubscriptionInput{AwsAccountId: acct,
		AccountName: aws.String("acme"), NotificationEmail: aws.String("ops@example.com"),
		AuthenticationMethod: types.AuthenticationMethodOptionIamAndQuicksight}); err != nil {
		t.Fatal(err)
	}
	d, err := later.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: acct})
	if err != nil {
		t.Fatal(err)
	}
	// Signing up takes a while, as on AWS (--async-delay).
	if got := aws.ToString(d.AccountInfo.AccountSubscriptionStatus); got != "SIGNUP_ATTEMPT_IN_PROGRESS" && got != "ACCOUNT_CREATED" {
		t.Errorf("status just after subscribing = %s", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for aws.ToString(d.AccountInfo.AccountSubscriptionStatus) != "ACCOUNT_CREATED" && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if d, err = later.DescribeAccountSubscription(ctx(t), &quicksight.DescribeAccountSubscriptionInput{AwsAccountId: acct}); err != nil {
			t.Fatal(err)
		}
	}
	if got := aws.ToString(d.AccountInfo.AccountSubscriptionStatus); got != "ACCOUNT_CREATED" {
		t.Fatalf("status after the delay = %s", got)
	}
	l, err := later.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	if err != nil || len(l.UserList) != 1 || aws.ToString(l.UserList[0].Arn) != "arn:aws:quicksight:eu-west-1:"+account+":user/default/alice" {
		t.Errorf("ListUsers from the new identity region: %+v, %v", l, err)
	}
	_, err = first.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: aws.String("default")})
	checkErr(t, "ListUsers from the old region", err, expectDenied(identityDenied("us-east-1", "eu-west-1")))
	ns, err := first.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: acct})
	if err != nil || len(ns.Namespaces) != 1 || aws.ToString(ns.Namespaces[0].CapacityRegion) != "eu-west-1" {
		t.Errorf("ListNamespaces: %+v, %v", ns, err)
	}
}

// TestDirectoryPerNamespace: principal ids name one d-... directory per
// namespace, shared by its users and groups.
func TestDirectoryPerNamespace(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	mkNamespace(t, c, "sales")
	dir := func(principalID string) string {
		parts := strings.Split(principalID, "/")
		if len(parts) != 3 || !strings.HasPrefix(parts[1], "d-") || len(parts[1]) != 12 {
			t.Fatalf("principal id %q is not KIND/d-XXXXXXXXXX/ID", principalID)
		}
		return parts[1]
	}
	a, b := register(t, c, "alice", types.UserRoleReader), register(t, c, "bob", types.UserRoleReader)
	g := mkGroup(t, c, "default", "team", "")
	out, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("sales"),
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("carol"), Email: aws.String("c@example.com"), UserRole: types.UserRoleReader})
	if err != nil {
		t.Fatal(err)
	}
	d := dir(aws.ToString(a.PrincipalId))
	if dir(aws.ToString(b.PrincipalId)) != d || dir(aws.ToString(g.PrincipalId)) != d {
		t.Errorf("one namespace, several directories: %s %s %s", aws.ToString(a.PrincipalId), aws.ToString(b.PrincipalId), aws.ToString(g.PrincipalId))
	}
	if dir(aws.ToString(out.User.PrincipalId)) == d {
		t.Errorf("two namespaces share directory %s", d)
	}
}
