package e2e

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestUserOperationErrors checks that each user operation's failures
// arrive as the SDK's typed errors.
func TestUserOperationErrors(t *testing.T) {
	t.Parallel()
	c := start(t, "").client("us-east-1")
	register(t, c, "alice", types.UserRoleReader)
	acct, def, nope := aws.String(account), aws.String("default"), aws.String("nope")

	is := func(target any) func(error) bool { return func(err error) bool { return errors.As(err, target) } }
	var (
		notFound   *types.ResourceNotFoundException
		exists     *types.ResourceExistsException
		invalid    *types.InvalidParameterValueException
		badToken   *types.InvalidNextTokenException
		unfulfiled *types.PreconditionNotMetException
	)
	registerIn := func(edit func(*quicksight.RegisterUserInput)) *quicksight.RegisterUserInput {
		in := &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: def, IdentityType: types.IdentityTypeQuicksight,
			Email: aws.String("a@example.com"), UserRole: types.UserRoleReader, UserName: aws.String("alice")}
		edit(in)
		return in
	}
	tests := []struct {
		name string
		call func() error
		want func(error) bool
	}{
		{"RegisterUser duplicate", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(*quicksight.RegisterUserInput) {}))
			return err
		}, is(&exists)},
		{"RegisterUser unknown namespace", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.Namespace = nope }))
			return err
		}, is(&notFound)},
		{"RegisterUser QUICKSIGHT without name", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.UserName = nil }))
			return err
		}, is(&invalid)},
		{"RegisterUser IAM with a bad ARN", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) {
				in.IdentityType, in.UserName, in.IamArn = types.IdentityTypeIam, nil, aws.String("arn:aws:s3:::bucket")
			}))
			return err
		}, is(&invalid)},
		{"RegisterUser Identity Center", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.IdentityType = types.IdentityTypeIamIdentityCenter }))
			return err
		}, is(&unfulfiled)},
		{"DescribeUser unknown", func() error {
			_, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("bob")})
			return err
		}, is(&notFound)},
		{"ListUsers unknown namespace", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: nope})
			return err
		}, is(&notFound)},
		{"ListUsers MaxResults out of range", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(101)})
			return err
		}, is(&invalid)},
		{"ListUsers forged token", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, NextToken: aws.String("x.y")})
			return err
		}, is(&badToken)},
		{"DeleteUser unknown", func() error {
			_, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("bob")})
			return err
		}, is(&notFound)},
		{"DeleteUserByPrincipalId unknown", func() error {
			_, err := c.DeleteUserByPrincipalId(ctx(t), &quicksight.DeleteUserByPrincipalIdInput{AwsAccountId: acct, Namespace: def, PrincipalId: aws.String("p")})
			return err
		}, is(&notFound)},
	}
	for _, tt := range tests {
		if err := tt.call(); !tt.want(err) {
			t.Errorf("%s: got %v", tt.name, err)
		}
	}
}
