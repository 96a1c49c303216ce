package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

func validate(t *testing.T, in api.Input, body string) error {
	t.Helper()
	if err := json.Unmarshal([]byte(body), in); err != nil {
		t.Fatal(err)
	}
	var v shape.Validator
	in.Validate(&v)
	return v.Err()
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		in   api.Input
		body string
		want []string // substrings of the error; none means valid
	}{
		{"valid flow grant", &api.UpdateFlowPermissionsInput{AwsAccountId: ptr("111122223333"), FlowId: ptr("0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f")},
			`{"GrantPermissions":[{"Principal":"p","Actions":["quicksight:GetFlow"]}]}`, nil},
		{"nested required and item length", &api.UpdateFlowPermissionsInput{AwsAccountId: ptr("111122223333"), FlowId: ptr("0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f")},
			`{"GrantPermissions":[{"Actions":[""]}]}`,
			[]string{"2 validation errors", "'grantPermissions.1.member.principal'", "'grantPermissions.1.member.actions.1.member'"}},
		{"unanchored account pattern is a full match", &api.UpdateFlowPermissionsInput{AwsAccountId: ptr("1111222233334"), FlowId: ptr("0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f")},
			`{}`, []string{"'awsAccountId'"}},
		{"list too long", &api.UpdateAnalysisPermissionsRequest{AwsAccountId: ptr("111122223333"), AnalysisId: ptr("a")},
			`{"GrantPermissions":[` + strings.Repeat(`{"Principal":"p","Actions":["a"]},`, 100) + `{"Principal":"p","Actions":["a"]}]}`,
			[]string{"'grantPermissions'", "less than or equal to 100"}},
		{"empty action list", &api.UpdateAnalysisPermissionsRequest{AwsAccountId: ptr("111122223333"), AnalysisId: ptr("a")},
			`{"RevokePermissions":[{"Principal":"p","Actions":[]}]}`, []string{"'revokePermissions.1.member.actions'", "greater than or equal to 1"}},
		{"look-ahead pattern", &api.UpdateIAMPolicyAssignmentRequest{AwsAccountId: ptr("111122223333"), Namespace: ptr("default"), AssignmentName: ptr("has space")},
			`{}`, []string{"'assignmentName'", "regular expression"}},
		{"map values", &api.UpdateIAMPolicyAssignmentRequest{AwsAccountId: ptr("111122223333"), Namespace: ptr("default"), AssignmentName: ptr("ok")},
			`{"Identities":{"user":["alice",""]}}`, []string{`'identities.user.2.member'`}},
		{"enum", &api.UpdateSelfUpgradeRequest{AwsAccountId: ptr("111122223333"), Namespace: ptr("default")},
			`{"UpgradeRequestId":"r","Action":"MAYBE"}`, []string{"'action'", "enum value set: [APPROVE, DENY, VERIFY]"}},
		{"numeric range", &api.ListUsersRequest{AwsAccountId: ptr("111122223333"), Namespace: ptr("default"), MaxResults: ptr(int32(0))},
			`{}`, []string{"'maxResults'", "greater than or equal to 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(t, tt.in, tt.body)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
