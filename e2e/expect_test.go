package e2e

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/aws/smithy-go"

	"github.com/qslocal/qslocal/internal/shape"
)

// The SDK's typed errors, checked one way throughout the suite.

// expect checks an error: it returns what was expected, or "" when err
// fits.
type expect func(error) string

func checkErr(t *testing.T, what string, err error, e expect) {
	t.Helper()
	if msg := e(err); msg != "" {
		t.Errorf("%s: got %v; %s", what, err, msg)
	}
}

// expectNotFound wants ResourceNotFoundException with resource type rt
// ("" for none) and a message containing inMessage.
func expectNotFound(rt types.ExceptionResourceType, inMessage string) expect {
	return func(err error) string {
		var e *types.ResourceNotFoundException
		if !errors.As(err, &e) || e.ResourceType != rt || !strings.Contains(aws.ToString(e.Message), inMessage) {
			return fmt.Sprintf("want ResourceNotFoundException with ResourceType %q naming %q", rt, inMessage)
		}
		return ""
	}
}

func expectExists(rt types.ExceptionResourceType) expect {
	return func(err error) string {
		var e *types.ResourceExistsException
		if !errors.As(err, &e) || e.ResourceType != rt {
			return fmt.Sprintf("want ResourceExistsException with ResourceType %q", rt)
		}
		return ""
	}
}

func expectLimit(rt types.ExceptionResourceType) expect {
	return func(err error) string {
		var e *types.LimitExceededException
		if !errors.As(err, &e) || e.ResourceType != rt {
			return fmt.Sprintf("want LimitExceededException with ResourceType %q", rt)
		}
		return ""
	}
}

// expectInvalid wants InvalidParameterValueException naming member.
func expectInvalid(member string) expect {
	return func(err error) string {
		var e *types.InvalidParameterValueException
		if !errors.As(err, &e) || !strings.Contains(aws.ToString(e.Message), member) {
			return "want InvalidParameterValueException naming " + member
		}
		return ""
	}
}

func expectConflict(inMessage string) expect {
	return func(err error) string {
		var e *types.ConflictException
		if !errors.As(err, &e) || !strings.Contains(aws.ToString(e.Message), inMessage) {
			return "want ConflictException naming " + inMessage
		}
		return ""
	}
}

func expectBadToken(err error) string {
	var e *types.InvalidNextTokenException
	if !errors.As(err, &e) {
		return "want InvalidNextTokenException"
	}
	return ""
}

// errCase is one failing call and the error it must give.
type errCase struct {
	name string
	call func() error
	want expect
}

func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		err := tc.call()
		if msg := tc.want(err); msg != "" {
			t.Errorf("%s: got %v; %s", tc.name, err, msg)
		}
	}
}

// expectValidation: input that breaks a rule of the model is AWS's
// ValidationException, which the model does not declare (so SDKs give a
// generic API error), naming the member by its wire path.
func expectValidation(member string) expect {
	return func(err error) string {
		var e smithy.APIError
		want := "'" + shape.WirePath(member)
		if !errors.As(err, &e) || e.ErrorCode() != "ValidationException" || !strings.Contains(e.ErrorMessage(), want) {
			return "want ValidationException naming " + want + "'"
		}
		return ""
	}
}

// expectDenied wants AccessDeniedException (HTTP 401, as AWS answers it)
// with exactly this message.
func expectDenied(message string) expect {
	return func(err error) string {
		var e *types.AccessDeniedException
		var re *awshttp.ResponseError
		if !errors.As(err, &e) || aws.ToString(e.Message) != message || !errors.As(err, &re) || re.HTTPStatusCode() != 401 {
			return fmt.Sprintf("want AccessDeniedException (401) saying %q", message)
		}
		return ""
	}
}
