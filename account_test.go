package qslocal_test

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

// clockedService is a Service on a throwaway store with the given
// settings (region ap-south-1 unless cfg names one) and a clock the test
// moves.
func clockedService(t *testing.T, cfg qslocal.Config, now *time.Time) *qslocal.Service {
	t.Helper()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cfg.Store, cfg.Region = store, cmp.Or(cfg.Region, "ap-south-1")
	cfg.Clock = func() time.Time { return *now }
	svc, err := qslocal.NewService(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// called is a context as the HTTP layer makes it for an operation.
func called(op, region, namespace string) context.Context {
	return qslocal.WithCall(context.Background(), qslocal.Call{Operation: op, Region: region, Namespace: namespace})
}

func errCode(err error) string {
	var e *qslocal.Error
	if errors.As(err, &e) {
		return e.Code + ": " + e.Message
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestAccountRules(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	listUsers := func(svc *qslocal.Service, region string) error {
		_, err := svc.ListUsers(called("ListUsers", region, "default"), &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("default")})
		return err
	}
	createGroup := func(svc *qslocal.Service, region string) error {
		_, err := svc.CreateGroup(called("CreateGroup", region, "default"), &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s("default"), GroupName: s("g")})
		return err
	}
	mapRole := func(svc *qslocal.Service, region string) error {
		_, err := svc.CreateRoleMembership(called("CreateRoleMembership", region, "default"), &api.CreateRoleMembershipRequest{
			AwsAccountId: s(acct), Namespace: s("default"), Role: ptrTo(api.RoleAuthor), MemberName: s("dir-group")})
		return err
	}
	listAnalyses := func(svc *qslocal.Service, region string) error {
		_, err := svc.ListAnalyses(called("ListAnalyses", region, ""), &api.ListAnalysesRequest{AwsAccountId: s(acct)})
		return err
	}
	touch := func(svc *qslocal.Service, region string) error {
		_, err := svc.UpdatePublicSharingSettings(called("UpdatePublicSharingSettings", region, ""),
			&api.UpdatePublicSharingSettingsRequest{AwsAccountId: s(acct)})
		return err
	}
	tests := []struct {
		name   string
		cfg    qslocal.Config
		region string
		call   func(*qslocal.Service, string) error
		want   string // "" for success; else a prefix of "Code: message"
	}{
		{"identity call in the identity region", qslocal.Config{}, "ap-south-1", listUsers, ""},
		{"identity call elsewhere", qslocal.Config{}, "eu-west-1", listUsers,
			"AccessDeniedException: Operation is being called from endpoint eu-west-1, but your identity region is ap-south-1. Please use the ap-south-1 endpoint."},
		{"unsigned call: the configured region", qslocal.Config{}, "", listUsers, ""},
		{"asset call elsewhere", qslocal.Config{}, "eu-west-1", listAnalyses, ""},
		{"groups in an IAM Identity Center account", qslocal.Config{AuthenticationMethod: "IAM_IDENTITY_CENTER"}, "ap-south-1", createGroup,
			"AccessDeniedException: Operation is disabled for identities managed by IAM Identity Center"},
		{"groups in an Active Directory account", qslocal.Config{AuthenticationMethod: "ACTIVE_DIRECTORY"}, "ap-south-1", createGroup,
			"AccessDeniedException: Operation is disabled for identities managed by Active Directory"},
		{"groups of IAM and QuickSight users", qslocal.Config{}, "ap-south-1", createGroup, ""},
		{"role memberships of IAM and QuickSight users", qslocal.Config{}, "ap-south-1", mapRole,
			"AccessDeniedException: Operation is available only for accounts that use Active Directory or IAM Identity Center"},
		{"role memberships in a directory account", qslocal.Config{AuthenticationMethod: "IAM_IDENTITY_CENTER"}, "ap-south-1", mapRole, ""},
		{"not subscribed: identity call", qslocal.Config{RequireSubscription: true}, "ap-south-1", listUsers,
			"ResourceNotFoundException: Account 111122223333 is not signed up with QuickSight with namespace default. AWS account ID: 111122223333, Namespace: default."},
		{"not subscribed: asset call", qslocal.Config{RequireSubscription: true}, "ap-south-1", listAnalyses,
			"UnsupportedUserEditionException: Account 111122223333 is not subscribed for QuickSight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc := clockedService(t, tt.cfg, &now)
			// The account's first write makes ap-south-1 its identity
			// region (where subscriptions are required, it makes nothing).
			if err := touch(svc, "ap-south-1"); err != nil && !tt.cfg.RequireSubscription {
				t.Fatal(err)
			}
			got := errCode(tt.call(svc, tt.region))
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// An account first written elsewhere lives there; reads before that,
	// from anywhere, answer as a new account would and make nothing.
	svc := clockedService(t, qslocal.Config{}, &now)
	for _, region := range []string{"ap-south-1", "eu-west-1"} {
		if err := listUsers(svc, region); err != nil {
			t.Fatalf("ListUsers from %s of an account never used: %v", region, err)
		}
	}
	if err := touch(svc, "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	if got := errCode(listUsers(svc, "ap-south-1")); !strings.Contains(got, "your identity region is eu-west-1") {
		t.Errorf("ListUsers in the configured region of an account first written in eu-west-1 = %q", got)
	}
	if _, err := qslocal.NewService(context.Background(), qslocal.Config{Store: nil}); err == nil {
		t.Error("NewService without a store succeeded")
	}
}

func TestUnknownAuthenticationMethod(t *testing.T) {
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if _, err := qslocal.NewService(context.Background(), qslocal.Config{Store: store, AuthenticationMethod: "LDAP"}); err == nil {
		t.Error("NewService with an unknown authentication method succeeded")
	}
}

// TestSubscriptionLifecycle follows one account through subscribing,
// settings and unsubscribing, with the statuses AWS reports.
func TestSubscriptionLifecycle(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{RequireSubscription: true, AsyncDelay: time.Second}, &now)
	ctx := called("CreateAccountSubscription", "eu-west-2", "")
	status := func() string {
		out, err := svc.DescribeAccountSubscription(called("DescribeAccountSubscription", "eu-west-2", ""),
			&api.DescribeAccountSubscriptionRequest{AwsAccountId: s(acct)})
		if err != nil {
			return errCode(err)
		}
		return *out.AccountInfo.AccountSubscriptionStatus + " " + *out.AccountInfo.AuthenticationType
	}
	if got := status(); !strings.HasPrefix(got, "ResourceNotFoundException") {
		t.Errorf("before subscribing: %s", got)
	}
	in := &api.CreateAccountSubscriptionRequest{AwsAccountId: s(acct), AccountName: s("acme"), NotificationEmail: s("a@example.com"),
		AuthenticationMethod: ptrTo(api.AuthenticationMethodOptionActiveDirectory)}
	for _, tt := range []struct {
		change func(*api.CreateAccountSubscriptionRequest)
		want   string
	}{
		{func(*api.CreateAccountSubscriptionRequest) {}, "InvalidParameterValueException: ActiveDirectoryName and AdminGroup"},
		{func(r *api.CreateAccountSubscriptionRequest) {
			r.AuthenticationMethod = ptrTo(api.AuthenticationMethodOptionIamAndQuicksight)
			r.Edition = ptrTo(api.EditionEnterpriseAndQ)
		}, "InvalidParameterValueException: FirstName, LastName, EmailAddress and ContactNumber"},
	} {
		r := *in
		tt.change(&r)
		if _, err := svc.CreateAccountSubscription(ctx, &r); !strings.HasPrefix(errCode(err), tt.want) {
			t.Errorf("CreateAccountSubscription = %q, want %q", errCode(err), tt.want)
		}
	}
	in.ActiveDirectoryName, in.AdminGroup = s("corp.example.com"), []string{"admins"}
	if _, err := svc.CreateAccountSubscription(ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "SIGNUP_ATTEMPT_IN_PROGRESS ACTIVE_DIRECTORY" {
		t.Errorf("just after subscribing: %s", got)
	}
	now = now.Add(time.Second)
	if got := status(); got != "ACCOUNT_CREATED ACTIVE_DIRECTORY" {
		t.Errorf("after subscribing: %s", got)
	}
	if _, err := svc.CreateAccountSubscription(ctx, in); !strings.HasPrefix(errCode(err), "ResourceExistsException") {
		t.Errorf("subscribing twice: %v", err)
	}
	del := func() error {
		_, err := svc.DeleteAccountSubscription(called("DeleteAccountSubscription", "eu-west-2", ""), &api.DeleteAccountSubscriptionRequest{AwsAccountId: s(acct)})
		return err
	}
	if err := del(); !strings.HasPrefix(errCode(err), "PreconditionNotMetException") {
		t.Errorf("deleting a protected subscription: %v", err)
	}
	// The Go SDK leaves TerminationProtectionEnabled out when false.
	if _, err := svc.UpdateAccountSettings(called("UpdateAccountSettings", "eu-west-2", ""),
		&api.UpdateAccountSettingsRequest{AwsAccountId: s(acct), DefaultNamespace: s("default")}); err != nil {
		t.Fatal(err)
	}
	if err := del(); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "UNSUBSCRIBE_IN_PROGRESS ACTIVE_DIRECTORY" {
		t.Errorf("just after unsubscribing: %s", got)
	}
	now = now.Add(time.Second)
	if got := status(); got != "UNSUBSCRIBED ACTIVE_DIRECTORY" {
		t.Errorf("after unsubscribing: %s", got)
	}
	if err := del(); !strings.HasPrefix(errCode(err), "ResourceNotFoundException") {
		t.Errorf("unsubscribing twice: %v", err)
	}
	// A STANDARD edition account has no account settings to describe.
	standard := &api.CreateAccountSubscriptionRequest{AwsAccountId: s(acct), AccountName: s("acme"), NotificationEmail: s("a@example.com"),
		AuthenticationMethod: ptrTo(api.AuthenticationMethodOptionIamAndQuicksight), Edition: ptrTo(api.EditionStandard)}
	if _, err := svc.CreateAccountSubscription(ctx, standard); err != nil {
		t.Fatal(err)
	}
	_, err := svc.DescribeAccountSettings(called("DescribeAccountSettings", "eu-west-2", ""), &api.DescribeAccountSettingsRequest{AwsAccountId: s(acct)})
	if got := errCode(err); got != "AccessDeniedException: Operation is disabled for STANDARD Edition. " {
		t.Errorf("DescribeAccountSettings of a STANDARD account = %q", got)
	}
}

func ptrTo[T any](v T) *T { return &v }

// A directory group does not sync into a namespace still being created.
func TestRoleMembershipWaitsForTheNamespace(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{AuthenticationMethod: "IAM_IDENTITY_CENTER", AsyncDelay: time.Second}, &now)
	if _, err := svc.CreateNamespace(called("CreateNamespace", "ap-south-1", "sales"), &api.CreateNamespaceRequest{
		AwsAccountId: s(acct), Namespace: s("sales"), IdentityStore: ptrTo(api.IdentityStoreQuicksight)}); err != nil {
		t.Fatal(err)
	}
	mapRole := func() error {
		_, err := svc.CreateRoleMembership(called("CreateRoleMembership", "ap-south-1", "sales"), &api.CreateRoleMembershipRequest{
			AwsAccountId: s(acct), Namespace: s("sales"), Role: ptrTo(api.RoleAuthor), MemberName: s("dir-group")})
		return err
	}
	if got := errCode(mapRole()); !strings.HasPrefix(got, "PreconditionNotMetException") {
		t.Errorf("CreateRoleMembership in a CREATING namespace = %q", got)
	}
	now = now.Add(time.Second)
	if err := mapRole(); err != nil {
		t.Errorf("CreateRoleMembership once CREATED: %v", err)
	}
}
