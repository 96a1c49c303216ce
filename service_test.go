package qslocal_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

func newService(t *testing.T) *qslocal.Service {
	t.Helper()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	n := 0
	svc, err := qslocal.NewService(context.Background(), qslocal.Config{
		Store:  store,
		Region: "ap-south-1",
		Clock:  func() time.Time { return time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC) },
		IDs: func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func s(v string) *string { return &v }

func TestRegisterUserIsDeterministic(t *testing.T) {
	svc := newService(t)
	in := &api.RegisterUserRequest{
		AwsAccountId: s("111122223333"), Namespace: s("default"), UserName: s("alice"), Email: s("a@example.com"),
		IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("ADMIN")),
	}
	out, err := svc.RegisterUser(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.User.PrincipalId; got != "user/d-cf3e3c8677/00000000-0000-4000-8000-000000000001" {
		t.Errorf("PrincipalId = %s", got)
	}
	// The d-... directory is the namespace's: the same for its users and
	// groups, another for another namespace's.
	dir := func(principalID string) string { return strings.Split(principalID, "/")[1] }
	in.UserName = s("bob")
	bob, err := svc.RegisterUser(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	g, err := svc.CreateGroup(context.Background(), &api.CreateGroupRequest{AwsAccountId: s("111122223333"), Namespace: s("default"), GroupName: s("g")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateNamespace(context.Background(), &api.CreateNamespaceRequest{AwsAccountId: s("111122223333"), Namespace: s("sales"), IdentityStore: (*api.IdentityStore)(s("QUICKSIGHT"))}); err != nil {
		t.Fatal(err)
	}
	in.Namespace = s("sales")
	carol, err := svc.RegisterUser(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if ad := dir(*out.User.PrincipalId); dir(*bob.User.PrincipalId) != ad || dir(*g.Group.PrincipalId) != ad || dir(*carol.User.PrincipalId) == ad {
		t.Errorf("directories: alice %s, bob %s, group %s, sales's carol %s", ad, *bob.User.PrincipalId, *g.Group.PrincipalId, *carol.User.PrincipalId)
	}
	if got := *out.User.Arn; got != "arn:aws:quicksight:ap-south-1:111122223333:user/default/alice" {
		t.Errorf("Arn with the configured region = %s", got)
	}
	// The signed region wins over the configured one.
	ctx := qslocal.WithCall(context.Background(), qslocal.Call{Region: "sa-east-1"})
	d, err := svc.DescribeUser(ctx, &api.DescribeUserRequest{AwsAccountId: s("111122223333"), Namespace: s("default"), UserName: s("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if got := *d.User.Arn; got != "arn:aws:quicksight:sa-east-1:111122223333:user/default/alice" {
		t.Errorf("Arn with the signed region = %s", got)
	}
}

func TestUnknownResources(t *testing.T) {
	svc := newService(t)
	ctx := context.Background()
	tests := []struct {
		name     string
		call     func() error
		resource string
	}{
		{"describe in a new account", func() error {
			_, err := svc.DescribeUser(ctx, &api.DescribeUserRequest{AwsAccountId: s("999999999999"), Namespace: s("default"), UserName: s("x")})
			return err
		}, qslocal.ResourceUser},
		{"unknown namespace", func() error {
			_, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s("999999999999"), Namespace: s("nope")})
			return err
		}, qslocal.ResourceNamespace},
		{"delete by unknown principal", func() error {
			_, err := svc.DeleteUserByPrincipalId(ctx, &api.DeleteUserByPrincipalIdRequest{AwsAccountId: s("999999999999"), Namespace: s("default"), PrincipalId: s("p")})
			return err
		}, qslocal.ResourceUser},
		{"delete in unknown namespace", func() error {
			_, err := svc.DeleteUser(ctx, &api.DeleteUserRequest{AwsAccountId: s("999999999999"), Namespace: s("nope"), UserName: s("x")})
			return err
		}, qslocal.ResourceNamespace},
	}
	for _, tt := range tests {
		var e *qslocal.Error
		if err := tt.call(); !errors.As(err, &e) || e.Code != qslocal.CodeResourceNotFound || e.ResourceType != tt.resource {
			t.Errorf("%s: %v, want ResourceNotFoundException %s", tt.name, err, tt.resource)
		}
	}
}

func TestRegisterUserRules(t *testing.T) {
	svc := newService(t)
	base := func() *api.RegisterUserRequest {
		return &api.RegisterUserRequest{
			AwsAccountId: s("111122223333"), Namespace: s("default"), Email: s("a@example.com"),
			IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("READER")), UserName: s("u"),
		}
	}
	tests := []struct {
		name string
		edit func(*api.RegisterUserRequest)
		code string
	}{
		{"QUICKSIGHT without UserName", func(in *api.RegisterUserRequest) { in.UserName = nil }, qslocal.CodeInvalidParameterValue},
		{"QUICKSIGHT with IamArn", func(in *api.RegisterUserRequest) { in.IamArn = s("arn:aws:iam::111122223333:user/u") }, qslocal.CodeInvalidParameterValue},
		{"IAM without IamArn", func(in *api.RegisterUserRequest) { in.IdentityType = (*api.IdentityType)(s("IAM")) }, qslocal.CodeInvalidParameterValue},
		{"IAM name mismatch", func(in *api.RegisterUserRequest) {
			in.IdentityType, in.IamArn = (*api.IdentityType)(s("IAM")), s("arn:aws:iam::111122223333:user/other")
		}, qslocal.CodeInvalidParameterValue},
		{"Identity Center", func(in *api.RegisterUserRequest) { in.IdentityType = (*api.IdentityType)(s("IAM_IDENTITY_CENTER")) }, qslocal.CodePreconditionNotMet},
		{"restricted role", func(in *api.RegisterUserRequest) { in.UserRole = (*api.UserRole)(s("RESTRICTED_AUTHOR")) }, qslocal.CodePreconditionNotMet},
		{"QUICKSIGHT name with a semicolon", func(in *api.RegisterUserRequest) { in.UserName = s("a;b") }, qslocal.CodeInvalidParameterValue},
		{"IAM user name with a semicolon", func(in *api.RegisterUserRequest) {
			in.IdentityType, in.UserName, in.IamArn = (*api.IdentityType)(s("IAM")), nil, s("arn:aws:iam::111122223333:user/a;b")
		}, qslocal.CodeInvalidParameterValue},
		{"IAM role name with a semicolon", func(in *api.RegisterUserRequest) {
			in.IdentityType, in.UserName, in.IamArn, in.SessionName = (*api.IdentityType)(s("IAM")), nil, s("arn:aws:iam::111122223333:role/r;x"), s("s")
		}, qslocal.CodeInvalidParameterValue},
	}
	for _, tt := range tests {
		in := base()
		tt.edit(in)
		_, err := svc.RegisterUser(context.Background(), in)
		var e *qslocal.Error
		if !errors.As(err, &e) || e.Code != tt.code {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.code)
		}
	}
	if _, err := svc.RegisterUser(context.Background(), base()); err != nil {
		t.Fatal(err)
	}
	_, err := svc.RegisterUser(context.Background(), base())
	var e *qslocal.Error
	if !errors.As(err, &e) || e.Code != qslocal.CodeResourceExists || e.ResourceType != qslocal.ResourceUser {
		t.Errorf("duplicate: %v", err)
	}
}
