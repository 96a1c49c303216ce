package restjson_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/qslocal/qslocal"
)

// sdkClient is an unmodified AWS SDK for Go v2 client of a restjson server
// wrapping fake.
func sdkClient(t *testing.T, fake *fakeHandler) *quicksight.Client {
	t.Helper()
	srv := httptest.NewServer(newServer(fake))
	t.Cleanup(srv.Close)
	return quicksight.New(quicksight.Options{
		Region:           testRegion,
		BaseEndpoint:     aws.String(srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""),
		RetryMaxAttempts: 1,
	})
}

func sdkContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestSDKDotSegmentUserName shows what TestDotSegmentLabels means for a
// real client: the Go SDK sends DeleteUser(UserName "..") as
// DELETE .../users/.., follows the 307 ServeMux answers with (it follows
// 307 and 308, keeping the method), and the server runs DeleteNamespace on
// "default" instead.
func TestSDKDotSegmentUserName(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	c := sdkClient(t, fake)
	_, err := c.DeleteUser(sdkContext(t), &quicksight.DeleteUserInput{
		AwsAccountId: aws.String(testAccount),
		Namespace:    aws.String("default"),
		UserName:     aws.String(".."),
	})
	if err != nil {
		t.Logf("DeleteUser: %v", err)
	}
	for _, call := range fake.Calls() {
		if call.Op != "DeleteUser" {
			t.Errorf("DeleteUser(UserName \"..\") ran %s %s", call.Op, dump(call.Input))
		}
	}
	if calls := fake.Calls(); len(calls) != 1 {
		t.Errorf("handler received %d calls, want 1 DeleteUser", len(calls))
	}
}

// TestSDKRoundTrip checks that the Go SDK reads what restjson writes: the
// output, Status from the status line, the request id, and a modelled error
// with its ResourceType.
func TestSDKRoundTrip(t *testing.T) {
	t.Parallel()
	fake := &fakeHandler{}
	c := sdkClient(t, fake)
	out, err := c.UpdateUser(sdkContext(t), &quicksight.UpdateUserInput{
		AwsAccountId: aws.String(testAccount),
		Namespace:    aws.String("default"),
		UserName:     aws.String("alice/ops"),
		Email:        aws.String("alice@example.com"),
		Role:         types.UserRoleAuthor,
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != 200 || aws.ToString(out.User.UserName) != "alice/ops" || out.User.Role != types.UserRoleAuthor {
		t.Errorf("UpdateUser output: status %d, user %+v", out.Status, out.User)
	}
	call := fake.only(t)
	if call.Call.Region != testRegion {
		t.Errorf("Region = %q", call.Call.Region)
	}
	if aws.ToString(out.RequestId) != call.Call.RequestID {
		t.Errorf("RequestId %q, handler saw %q", aws.ToString(out.RequestId), call.Call.RequestID)
	}

	notFound := &fakeHandler{err: &qslocal.Error{Code: qslocal.CodeResourceNotFound, Message: "no alice", ResourceType: qslocal.ResourceUser}}
	_, err = sdkClient(t, notFound).DescribeUser(sdkContext(t), &quicksight.DescribeUserInput{
		AwsAccountId: aws.String(testAccount),
		Namespace:    aws.String("default"),
		UserName:     aws.String("alice"),
	})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Fatalf("DescribeUser error %T %v, want *types.ResourceNotFoundException", err, err)
	}
	if rnf.ResourceType != types.ExceptionResourceTypeUser || aws.ToString(rnf.Message) != "no alice" {
		t.Errorf("error members: %+v", rnf)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 404 || re.ServiceRequestID() == "" || re.ServiceRequestID() != aws.ToString(rnf.RequestId) {
		t.Errorf("response metadata: %v", err)
	}
}
