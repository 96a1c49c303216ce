package qslocaltest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/qslocaltest"
	"github.com/qslocal/qslocal/restjson"
)

func TestProvisioning(t *testing.T) {
	qs := qslocaltest.New(t)
	client := quicksight.NewFromConfig(qs.Config)
	ctx := context.Background()

	_, err := client.RegisterUser(ctx, &quicksight.RegisterUserInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"),
		IdentityType: types.IdentityTypeQuicksight, UserName: aws.String("alice"),
		Email: aws.String("alice@example.com"), UserRole: types.UserRoleReader,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.DescribeUser(ctx, &quicksight.DescribeUserInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"), UserName: aws.String("alice"),
	})
	if err != nil || out.User.Role != types.UserRoleReader {
		t.Fatalf("DescribeUser: %+v, %v", out, err)
	}

	// Faults reach the client as AWS's errors would.
	qs.SetFaults(restjson.FaultRule{Operation: "DescribeUser", Error: "AccessDeniedException"})
	_, err = client.DescribeUser(ctx, &quicksight.DescribeUserInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"), UserName: aws.String("alice"),
	})
	var denied *types.AccessDeniedException
	if !errors.As(err, &denied) {
		t.Errorf("DescribeUser under a fault: %v", err)
	}
	qs.SetFaults()

	qs.Reset(t)
	_, err = client.DescribeUser(ctx, &quicksight.DescribeUserInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"), UserName: aws.String("alice"),
	})
	var missing *types.ResourceNotFoundException
	if !errors.As(err, &missing) {
		t.Errorf("DescribeUser after a reset: %v", err)
	}
}

func TestSeed(t *testing.T) {
	seed, err := qslocal.DecodeSnapshot([]byte(`
accounts:
- AwsAccountId: "111122223333"
  users: [{UserName: alice, Email: alice@example.com, Role: AUTHOR}]
  groups: [{GroupName: analysts, Members: [alice]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	qs := qslocaltest.New(t, seed)
	client := quicksight.NewFromConfig(qs.Config)
	out, err := client.ListUserGroups(context.Background(), &quicksight.ListUserGroupsInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"), UserName: aws.String("alice"),
	})
	if err != nil || len(out.GroupList) != 1 || aws.ToString(out.GroupList[0].GroupName) != "analysts" {
		t.Fatalf("ListUserGroups of a seeded user: %+v, %v", out, err)
	}
}

// An IAM Identity Center account, for role memberships, comes from a seed.
func TestSeedDirectoryAccount(t *testing.T) {
	seed, err := qslocal.DecodeSnapshot([]byte(`
accounts:
- AwsAccountId: "111122223333"
  Subscription: {authenticationMethod: IAM_IDENTITY_CENTER}
`))
	if err != nil {
		t.Fatal(err)
	}
	client := quicksight.NewFromConfig(qslocaltest.New(t, seed).Config)
	if _, err := client.CreateRoleMembership(context.Background(), &quicksight.CreateRoleMembershipInput{
		AwsAccountId: aws.String("111122223333"), Namespace: aws.String("default"), Role: types.RoleAuthor, MemberName: aws.String("bi"),
	}); err != nil {
		t.Fatalf("CreateRoleMembership in a seeded IAM Identity Center account: %v", err)
	}
}
