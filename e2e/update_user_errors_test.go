package e2e

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/aws/smithy-go/middleware"
)

// withoutClientValidation lets requests that miss required members reach
// the server, to test its own checks.
func withoutClientValidation(o *quicksight.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, err := s.Initialize.Remove("OperationInputValidation")
		return err
	})
}

func TestUpdateUserErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	register(t, c, "alice", types.UserRoleReader)

	valid := func() *quicksight.UpdateUserInput {
		return &quicksight.UpdateUserInput{
			AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice"),
			Email: aws.String("alice@example.com"), Role: types.UserRoleAuthor,
		}
	}
	invalid := func(member string) func(error) string {
		return func(err error) string {
			var e *types.InvalidParameterValueException
			if !errors.As(err, &e) || !strings.Contains(aws.ToString(e.Message), member) {
				return "want InvalidParameterValueException naming " + member
			}
			return ""
		}
	}
	notFound := func(resource string) func(error) string {
		return func(err error) string {
			var e *types.ResourceNotFoundException
			if !errors.As(err, &e) || string(e.ResourceType) != resource {
				return "want ResourceNotFoundException for " + resource
			}
			return ""
		}
	}
	precondition := func(err error) string {
		var e *types.PreconditionNotMetException
		if !errors.As(err, &e) {
			return "want PreconditionNotMetException"
		}
		return ""
	}
	tests := []struct {
		name  string
		edit  func(*quicksight.UpdateUserInput)
		check func(error) string
	}{
		{"unknown user", func(in *quicksight.UpdateUserInput) { in.UserName = aws.String("nobody") }, notFound("USER")},
		{"unknown namespace", func(in *quicksight.UpdateUserInput) { in.Namespace = aws.String("marketing") }, notFound("NAMESPACE")},
		{"account id too short", func(in *quicksight.UpdateUserInput) { in.AwsAccountId = aws.String("1234") }, expectValidation("AwsAccountId")},
		{"account id not digits", func(in *quicksight.UpdateUserInput) { in.AwsAccountId = aws.String("11112222333x") }, expectValidation("AwsAccountId")},
		{"namespace pattern", func(in *quicksight.UpdateUserInput) { in.Namespace = aws.String("bad namespace!") }, expectValidation("Namespace")},
		{"namespace too long", func(in *quicksight.UpdateUserInput) { in.Namespace = aws.String(strings.Repeat("n", 65)) }, expectValidation("Namespace")},
		{"user name pattern", func(in *quicksight.UpdateUserInput) { in.UserName = aws.String("日本") }, expectValidation("UserName")},
		{"email missing", func(in *quicksight.UpdateUserInput) { in.Email = nil }, expectValidation("Email")},
		{"role missing", func(in *quicksight.UpdateUserInput) { in.Role = "" }, expectValidation("Role")},
		{"role not in enum", func(in *quicksight.UpdateUserInput) { in.Role = "SUPERUSER" }, expectValidation("Role")},
		{"custom permissions empty", func(in *quicksight.UpdateUserInput) { in.CustomPermissionsName = aws.String("") }, expectValidation("CustomPermissionsName")},
		{"custom permissions too long", func(in *quicksight.UpdateUserInput) { in.CustomPermissionsName = aws.String(strings.Repeat("p", 65)) }, expectValidation("CustomPermissionsName")},
		{"custom permissions pattern", func(in *quicksight.UpdateUserInput) { in.CustomPermissionsName = aws.String("no spaces") }, expectValidation("CustomPermissionsName")},
		{"apply and unapply together", func(in *quicksight.UpdateUserInput) {
			in.CustomPermissionsName, in.UnapplyCustomPermissions = aws.String("p"), true
		}, invalid("UnapplyCustomPermissions")},
		{"unknown provider type", func(in *quicksight.UpdateUserInput) { in.ExternalLoginFederationProviderType = aws.String("SAML") }, invalid("ExternalLoginFederationProviderType")},
		{"CUSTOM_OIDC without URL", func(in *quicksight.UpdateUserInput) {
			in.ExternalLoginFederationProviderType = aws.String("CUSTOM_OIDC")
		}, invalid("CustomFederationProviderUrl")},
		{"COGNITO with URL", func(in *quicksight.UpdateUserInput) {
			in.ExternalLoginFederationProviderType, in.CustomFederationProviderUrl = aws.String("COGNITO"), aws.String("https://x")
		}, invalid("CustomFederationProviderUrl")},
		{"URL without provider type", func(in *quicksight.UpdateUserInput) { in.CustomFederationProviderUrl = aws.String("https://x") }, invalid("CustomFederationProviderUrl")},
		{"login id without provider", func(in *quicksight.UpdateUserInput) { in.ExternalLoginId = aws.String("x") }, invalid("ExternalLoginId")},
		{"NONE with login id", func(in *quicksight.UpdateUserInput) {
			in.ExternalLoginFederationProviderType, in.ExternalLoginId = aws.String("NONE"), aws.String("x")
		}, invalid("ExternalLoginId")},
		{"restricted role unavailable", func(in *quicksight.UpdateUserInput) { in.Role = types.UserRoleRestrictedReader }, precondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := valid()
			tt.edit(in)
			_, err := c.UpdateUser(ctx(t), in, withoutClientValidation)
			if msg := tt.check(err); msg != "" {
				t.Errorf("got %v: %s", err, msg)
			}
		})
	}

	// A rejected update changes nothing.
	d, err := c.DescribeUser(ctx(t), &quicksight.DescribeUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if d.User.Role != types.UserRoleReader || aws.ToString(d.User.Email) != "alice@example.com" {
		t.Errorf("after rejected updates: %+v", *d.User)
	}
}

func TestThrottling(t *testing.T) {
	t.Parallel()
	c := start(t, "", "--rate-limit", "1").client("us-east-1")
	in := &quicksight.UpdateUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String("default"), UserName: aws.String("nobody"),
		Email: aws.String("x@example.com"), Role: types.UserRoleReader,
	}
	var throttled *types.ThrottlingException
	for range 5 { // the burst is one request; five in a row cannot all pass
		if _, err := c.UpdateUser(ctx(t), in); errors.As(err, &throttled) {
			return
		}
	}
	t.Fatal("five immediate UpdateUser calls with --rate-limit 1 were never throttled")
}
