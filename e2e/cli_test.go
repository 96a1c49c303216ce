package e2e

import (
	"encoding/json"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestAWSCLI drives flows and IAM policy assignments through the AWS CLI,
// with its own argument parsing and output.
func TestAWSCLI(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the CLI run takes half a minute of Python start-ups")
	}
	s := start(t, "")
	aws, must := awsCLI(t, s)
	acct := []string{"--aws-account-id", account}
	ns := append(slices.Clone(acct), "--namespace", "default")
	// Users and the group through the Go SDK: every CLI call costs a second
	// of Python start-up, and they are not what this run checks.
	c := s.client("us-east-1")
	for _, u := range []string{"alice", "bob", "carol"} {
		mkUser(t, c, "default", u)
	}
	// The CLI prints the status AWS answered with (docs/behaviour.md).
	var registered struct{ Status int }
	must(&registered, "register-user", append(ns, "--identity-type", "QUICKSIGHT", "--user-name", "dave",
		"--email", "dave@example.com", "--user-role", "READER")...)
	if registered.Status != 201 {
		t.Errorf("register-user Status %d, want 201", registered.Status)
	}
	var group struct{ Status int }
	must(&group, "create-group", append(ns, "--group-name", "team")...)
	if group.Status != 201 {
		t.Errorf("create-group Status %d, want 201", group.Status)
	}
	joinGroup(t, c, "default", "team", "carol")
	// Users and groups are managed in the identity region only.
	const elsewhere = "An error occurred (AccessDeniedException) when calling the ListUsers operation: " +
		"Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint."
	if msg := aws(nil, "list-users", append(ns, "--region", "eu-west-1")...); !strings.Contains(msg, elsewhere) {
		t.Errorf("list-users from eu-west-1: %q", msg)
	}
	alice, bob, dflt := principal("user", "default/alice"), principal("user", "default/bob"), principal("namespace", "default")
	actions := func(a []string) string { return strings.Join(a, ",") }

	var flow struct{ FlowId, Arn string }
	must(&flow, "create-flow", append(acct, "--name", "Onboarding", "--flow-definition", `{"Steps":[{"Name":"one"}]}`,
		"--permissions", "Principal="+alice+",Actions="+actions(flowOwner))...)
	type perms struct {
		Permissions []struct {
			Principal string
			Actions   []string
		}
	}
	show := func(p perms) map[string][]string {
		m := map[string][]string{}
		for _, x := range p.Permissions {
			m[x.Principal] = slices.Sorted(slices.Values(x.Actions))
		}
		return m
	}
	var up perms
	must(&up, "update-flow-permissions", append(acct, "--flow-id", flow.FlowId, "--grant-permissions",
		"Principal="+bob+",Actions="+actions(flowOwner), "Principal="+dflt+",Actions="+actions(flowViewer))...)
	if got, want := show(up), map[string][]string{alice: flowOwner, bob: flowOwner, dflt: flowViewer}; !reflect.DeepEqual(got, want) {
		t.Errorf("update-flow-permissions: %v\nwant %v", got, want)
	}
	must(nil, "update-flow-permissions", append(acct, "--flow-id", flow.FlowId, "--revoke-permissions",
		"Principal="+bob+",Actions=quicksight:DeleteFlow")...)
	want := map[string][]string{alice: flowOwner, bob: without(flowOwner, "quicksight:DeleteFlow"), dflt: flowViewer}
	var got perms
	must(&got, "get-flow-permissions", append(acct, "--flow-id", flow.FlowId)...)
	if !reflect.DeepEqual(show(got), want) {
		t.Errorf("get-flow-permissions: %v\nwant %v", show(got), want)
	}
	var tagged, untagged struct{ Status int }
	teamARN := "arn:aws:quicksight:us-east-1:" + account + ":group/default/team"
	must(&tagged, "tag-resource", "--resource-arn", teamARN, "--tags", "Key=k,Value=v")
	must(&untagged, "untag-resource", "--resource-arn", teamARN, "--tag-keys", "k")
	if tagged.Status != 202 || untagged.Status != 204 {
		t.Errorf("tag-resource Status %d, want 202; untag-resource Status %d, want 204", tagged.Status, untagged.Status)
	}
	var analysis struct{ Status int }
	if msg := aws(nil, "create-analysis", append(acct, "--analysis-id", "a1", "--name", "A1", "--definition",
		`{"DataSetIdentifierDeclarations":[{"Identifier":"d","DataSetArn":"arn:aws:quicksight:us-east-1:`+account+`:dataset/d"}]}`)...); !strings.Contains(msg, "(InvalidParameterValueException)") ||
		!strings.Contains(msg, "DataSetIdentifierDeclarations[0].DataSetArn") {
		t.Errorf("create-analysis naming a data set that does not exist: %q", msg)
	}
	must(&analysis, "create-analysis", append(acct, "--analysis-id", "a1", "--name", "A1", "--definition", `{"DataSetIdentifierDeclarations":[]}`)...)
	if analysis.Status != 202 {
		t.Errorf("create-analysis Status %d, want 202", analysis.Status)
	}
	if msg := aws(nil, "create-group", append(acct, "--namespace", "default", "--group-name", "bad\tname")...); !strings.Contains(msg, "(ValidationException)") || !strings.Contains(msg, "at 'groupName'") {
		t.Errorf("a group name out of the model's pattern: %q", msg)
	}
	if msg := aws(nil, "update-flow-permissions", append(acct, "--flow-id", flow.FlowId, "--grant-permissions",
		"Principal="+dflt+",Actions=quicksight:UpdateFlow")...); !strings.Contains(msg, "(InvalidParameterValueException)") {
		t.Errorf("a namespace given an owner action: %q", msg)
	}
	must(&got, "get-flow-permissions", append(acct, "--flow-id", flow.FlowId)...)
	if !reflect.DeepEqual(show(got), want) {
		t.Errorf("after the refused grant: %v", show(got))
	}

	const policy = "arn:aws:iam::" + account + ":policy/QuickSightData"
	type assignment struct {
		AssignmentName, AssignmentId, AssignmentStatus, PolicyArn string
		Identities                                                map[string][]string
	}
	var a assignment
	must(&a, "create-iam-policy-assignment", append(ns, "--assignment-name", "rule-1", "--assignment-status", "ENABLED",
		"--policy-arn", policy, "--identities", `{"user":["alice"],"group":["team"]}`)...)
	var d struct{ IAMPolicyAssignment assignment }
	must(&d, "describe-iam-policy-assignment", append(ns, "--assignment-name", "rule-1")...)
	if d.IAMPolicyAssignment.AssignmentId != a.AssignmentId || d.IAMPolicyAssignment.PolicyArn != policy ||
		!reflect.DeepEqual(d.IAMPolicyAssignment.Identities, map[string][]string{"user": {"alice"}, "group": {"team"}}) {
		t.Errorf("describe-iam-policy-assignment: %+v (created %+v)", d, a)
	}
	must(&a, "update-iam-policy-assignment", append(ns, "--assignment-name", "rule-1", "--assignment-status", "DISABLED")...)
	if a.AssignmentStatus != "DISABLED" || len(a.Identities["user"]) != 1 || len(a.Identities["group"]) != 1 {
		t.Errorf("a status update: %+v", a)
	}
	var forCarol struct {
		ActiveAssignments []struct{ AssignmentName, PolicyArn string }
	}
	must(&forCarol, "list-iam-policy-assignments-for-user", append(ns, "--user-name", "carol")...)
	if len(forCarol.ActiveAssignments) != 0 {
		t.Errorf("carol's assignments while disabled: %+v", forCarol)
	}
	a = assignment{} // Unmarshal would merge into the old map
	must(&a, "update-iam-policy-assignment", append(ns, "--assignment-name", "rule-1", "--assignment-status", "ENABLED",
		"--identities", `{"group":["team"]}`)...)
	if !reflect.DeepEqual(a.Identities, map[string][]string{"group": {"team"}}) {
		t.Errorf("an identities update: %+v", a)
	}
	must(&forCarol, "list-iam-policy-assignments-for-user", append(ns, "--user-name", "carol")...)
	if len(forCarol.ActiveAssignments) != 1 || forCarol.ActiveAssignments[0].AssignmentName != "rule-1" || forCarol.ActiveAssignments[0].PolicyArn != policy {
		t.Errorf("carol's assignments through the team: %+v", forCarol)
	}
	must(nil, "create-iam-policy-assignment", append(ns, "--assignment-name", "rule-2", "--assignment-status", "DRAFT")...)
	var list struct {
		IAMPolicyAssignments []struct{ AssignmentName, AssignmentStatus string }
	}
	must(&list, "list-iam-policy-assignments", ns...)
	if len(list.IAMPolicyAssignments) != 2 {
		t.Errorf("list-iam-policy-assignments: %+v", list)
	}
	must(&list, "list-iam-policy-assignments", append(ns, "--assignment-status", "DRAFT")...)
	if len(list.IAMPolicyAssignments) != 1 || list.IAMPolicyAssignments[0].AssignmentName != "rule-2" {
		t.Errorf("list-iam-policy-assignments DRAFT: %+v", list)
	}
	must(nil, "delete-iam-policy-assignment", append(ns, "--assignment-name", "rule-1")...)
	if msg := aws(nil, "describe-iam-policy-assignment", append(ns, "--assignment-name", "rule-1")...); !strings.Contains(msg, "(ResourceNotFoundException)") {
		t.Errorf("a deleted assignment: %q", msg)
	}
}

// awsCLI returns a runner of the AWS CLI against s, skipping t where the
// CLI is missing. aws runs one command and decodes its JSON output into
// out (nil: none expected); a failure returns the CLI's message. must
// fails t instead.
func awsCLI(t *testing.T, s *server) (aws func(out any, sub string, args ...string) string, must func(out any, sub string, args ...string)) {
	t.Helper()
	if _, err := exec.LookPath("aws"); err != nil {
		missingClient(t, "the AWS CLI (aws) is not installed; skipping the CLI run")
	}
	env := append(modelEnv(t), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_MAX_ATTEMPTS=1", "AWS_PAGER=")
	aws = func(out any, sub string, args ...string) string {
		t.Helper()
		cmd := exec.Command("aws", append([]string{"quicksight", sub, "--endpoint-url", s.URL, "--output", "json"}, args...)...)
		cmd.Env = env
		stdout, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			return strings.TrimSpace(stderr) + " (" + err.Error() + ")"
		}
		if out != nil {
			if err := json.Unmarshal(stdout, out); err != nil {
				t.Fatalf("aws quicksight %s %v: %v\n%s", sub, args, err, stdout)
			}
		}
		return ""
	}
	must = func(out any, sub string, args ...string) {
		t.Helper()
		if msg := aws(out, sub, args...); msg != "" {
			t.Fatalf("aws quicksight %s %s: %s", sub, strings.Join(args, " "), msg)
		}
	}
	return aws, must
}
