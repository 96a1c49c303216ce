package e2e

import (
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

	unfulfilled := func(err error) string {
		if !preconditionNotMet(err) {
			return "want PreconditionNotMetException"
		}
		return ""
	}
	user, namespace := types.ExceptionResourceTypeUser, types.ExceptionResourceTypeNamespace
	registerIn := func(edit func(*quicksight.RegisterUserInput)) *quicksight.RegisterUserInput {
		in := &quicksight.RegisterUserInput{AwsAccountId: acct, Namespace: def, IdentityType: types.IdentityTypeQuicksight,
			Email: aws.String("a@example.com"), UserRole: types.UserRoleReader, UserName: aws.String("alice")}
		edit(in)
		return in
	}
	tests := []struct {
		name string
		call func() error
		want expect
	}{
		{"RegisterUser IAM with a UserName", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) {
				in.IdentityType, in.IamArn = types.IdentityTypeIam, aws.String("arn:aws:iam::"+account+":user/alice")
			}))
			return err
		}, expectInvalid("The following parameters are not applicable to this identity type: User Name. AWS account ID: " + account + ", Namespace: default.")},
		{"RegisterUser IAM with a UserName and no IamArn", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.IdentityType = types.IdentityTypeIam }))
			return err
		}, expectInvalid("not applicable to this identity type: User Name")},
		{"RegisterUser duplicate", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(*quicksight.RegisterUserInput) {}))
			return err
		}, expectExists(user)},
		{"RegisterUser unknown namespace", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.Namespace = nope }))
			return err
		}, expectNotFound(namespace, "nope")},
		{"RegisterUser QUICKSIGHT without name", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.UserName = nil }))
			return err
		}, expectInvalid("UserName")},
		{"RegisterUser IAM with a bad ARN", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) {
				in.IdentityType, in.UserName, in.IamArn = types.IdentityTypeIam, nil, aws.String("arn:aws:s3:::bucket")
			}))
			return err
		}, expectInvalid("IamArn")},
		// The user guide does not support ; in user names (docs/behaviour.md).
		{"RegisterUser name with a semicolon", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.UserName = aws.String("bob;admin") }))
			return err
		}, expectInvalid("semicolon")},
		{"RegisterUser IAM role with a semicolon", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) {
				in.IdentityType, in.UserName, in.IamArn = types.IdentityTypeIam, nil, aws.String("arn:aws:iam::"+account+":role/a;b")
			}))
			return err
		}, expectInvalid("semicolon")},
		{"RegisterUser SessionName with a semicolon", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) {
				in.IdentityType, in.UserName = types.IdentityTypeIam, nil
				in.IamArn, in.SessionName = aws.String("arn:aws:iam::"+account+":role/Analyst"), aws.String("jane;doe")
			}))
			return err
		}, expectValidation("SessionName")}, // the model's pattern refuses it first
		{"RegisterUser Identity Center", func() error {
			_, err := c.RegisterUser(ctx(t), registerIn(func(in *quicksight.RegisterUserInput) { in.IdentityType = types.IdentityTypeIamIdentityCenter }))
			return err
		}, unfulfilled},
		{"DescribeUser unknown", func() error {
			_, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("bob")})
			return err
		}, expectNotFound(user, "bob")},
		{"ListUsers unknown namespace", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: nope})
			return err
		}, expectNotFound(namespace, "nope")},
		{"ListUsers MaxResults out of range", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, MaxResults: aws.Int32(101)})
			return err
		}, expectValidation("MaxResults")},
		{"ListUsers forged token", func() error {
			_, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def, NextToken: aws.String("x.y")})
			return err
		}, expectBadToken},
		{"DeleteUser unknown", func() error {
			_, err := c.DeleteUser(ctx(t), &quicksight.DeleteUserInput{AwsAccountId: acct, Namespace: def, UserName: aws.String("bob")})
			return err
		}, expectNotFound(user, "bob")},
		{"DeleteUserByPrincipalId unknown", func() error {
			_, err := c.DeleteUserByPrincipalId(ctx(t), &quicksight.DeleteUserByPrincipalIdInput{AwsAccountId: acct, Namespace: def, PrincipalId: aws.String("p")})
			return err
		}, expectNotFound(user, "p")},
		{"DeleteUserByPrincipalId unknown namespace", func() error {
			_, err := c.DeleteUserByPrincipalId(ctx(t), &quicksight.DeleteUserByPrincipalIdInput{AwsAccountId: acct, Namespace: nope, PrincipalId: aws.String("p")})
			return err
		}, expectNotFound(namespace, "nope")},
	}
	for _, tt := range tests {
		checkErr(t, tt.name, tt.call(), tt.want)
	}
	// None of the refused names was registered.
	list, err := c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: acct, Namespace: def})
	if err != nil || len(list.UserList) != 1 {
		t.Errorf("ListUsers after the refusals: %+v, %v; want alice alone", list, err)
	}
}
