package e2e

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

const policyARN = "arn:aws:iam::" + account + ":policy/QuickSightDataAccess"

func mkAssignment(t *testing.T, c *quicksight.Client, ns, name string, status types.AssignmentStatus, identities map[string][]string) *quicksight.CreateIAMPolicyAssignmentOutput {
	t.Helper()
	out, err := c.CreateIAMPolicyAssignment(ctx(t), &quicksight.CreateIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String(ns), AssignmentName: aws.String(name), AssignmentStatus: status,
		PolicyArn: aws.String(policyARN), Identities: identities})
	if err != nil {
		t.Fatalf("CreateIAMPolicyAssignment %s: %v", name, err)
	}
	return out
}

func describeAssignment(t *testing.T, c *quicksight.Client, ns, name string) *types.IAMPolicyAssignment {
	t.Helper()
	out, err := c.DescribeIAMPolicyAssignment(ctx(t), &quicksight.DescribeIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String(ns), AssignmentName: aws.String(name)})
	if err != nil {
		t.Fatalf("DescribeIAMPolicyAssignment %s: %v", name, err)
	}
	return out.IAMPolicyAssignment
}

func updateAssignment(c *quicksight.Client, t *testing.T, name string, mod func(*quicksight.UpdateIAMPolicyAssignmentInput)) (*quicksight.UpdateIAMPolicyAssignmentOutput, error) {
	in := &quicksight.UpdateIAMPolicyAssignmentInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), AssignmentName: aws.String(name)}
	mod(in)
	return c.UpdateIAMPolicyAssignment(ctx(t), in)
}

// listAssignments lists a namespace's assignments a page of size at a
// time, as name=status.
func listAssignments(t *testing.T, c *quicksight.Client, status types.AssignmentStatus, size int32) (got []string, pages int) {
	t.Helper()
	in := &quicksight.ListIAMPolicyAssignmentsInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		AssignmentStatus: status, MaxResults: aws.Int32(size)}
	for p := quicksight.NewListIAMPolicyAssignmentsPaginator(c, in); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListIAMPolicyAssignments %s: %v", status, err)
		}
		for _, a := range out.IAMPolicyAssignments {
			got = append(got, aws.ToString(a.AssignmentName)+"="+string(a.AssignmentStatus))
		}
	}
	return got, pages
}

// forUser lists the assignments that reach a user, as name=policy.
func forUser(t *testing.T, c *quicksight.Client, user string) []string {
	t.Helper()
	var got []string
	in := &quicksight.ListIAMPolicyAssignmentsForUserInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"),
		UserName: aws.String(user), MaxResults: aws.Int32(1)}
	for p := quicksight.NewListIAMPolicyAssignmentsForUserPaginator(c, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("ListIAMPolicyAssignmentsForUser %s: %v", user, err)
		}
		for _, a := range out.ActiveAssignments {
			got = append(got, aws.ToString(a.AssignmentName)+"="+aws.ToString(a.PolicyArn))
		}
	}
	return got
}

func TestIAMPolicyAssignmentLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	for _, u := range []string{"alice", "bob", "carol"} {
		mkUser(t, c, "default", u)
	}
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "bob")

	created := mkAssignment(t, c, "default", "rule-1", types.AssignmentStatusEnabled,
		map[string][]string{"user": {"carol", "alice", "alice"}, "group": {"team"}})
	wantIDs := map[string][]string{"user": {"alice", "carol"}, "group": {"team"}}
	if aws.ToString(created.AssignmentName) != "rule-1" || !uuidPattern.MatchString(aws.ToString(created.AssignmentId)) ||
		created.AssignmentStatus != types.AssignmentStatusEnabled || aws.ToString(created.PolicyArn) != policyARN ||
		!reflect.DeepEqual(created.Identities, wantIDs) {
		t.Errorf("CreateIAMPolicyAssignment answered %+v", created)
	}
	d := describeAssignment(t, c, "default", "rule-1")
	if aws.ToString(d.AwsAccountId) != account || aws.ToString(d.AssignmentId) != aws.ToString(created.AssignmentId) ||
		d.AssignmentStatus != types.AssignmentStatusEnabled || aws.ToString(d.PolicyArn) != policyARN || !reflect.DeepEqual(d.Identities, wantIDs) {
		t.Errorf("DescribeIAMPolicyAssignment = %+v", d)
	}

	// The status alone: identities and policy kept.
	up, err := updateAssignment(c, t, "rule-1", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.AssignmentStatus = types.AssignmentStatusDisabled
	})
	if err != nil || up.AssignmentStatus != types.AssignmentStatusDisabled || !reflect.DeepEqual(up.Identities, wantIDs) || aws.ToString(up.PolicyArn) != policyARN ||
		aws.ToString(up.AssignmentId) != aws.ToString(created.AssignmentId) {
		t.Errorf("status update: %+v, %v", up, err)
	}
	// Identities replace the whole set.
	if _, err := updateAssignment(c, t, "rule-1", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.Identities = map[string][]string{"user": {"bob"}}
	}); err != nil {
		t.Fatal(err)
	}
	if d := describeAssignment(t, c, "default", "rule-1"); !reflect.DeepEqual(d.Identities, map[string][]string{"user": {"bob"}}) ||
		d.AssignmentStatus != types.AssignmentStatusDisabled || aws.ToString(d.PolicyArn) != policyARN {
		t.Errorf("after replacing the identities: %+v", d)
	}

	mkAssignment(t, c, "default", "rule-2", types.AssignmentStatusDraft, nil)
	mkAssignment(t, c, "default", "rule-3", types.AssignmentStatusEnabled, map[string][]string{"group": {"team"}})
	if got, pages := listAssignments(t, c, "", 1); !slices.Equal(got, []string{"rule-1=DISABLED", "rule-2=DRAFT", "rule-3=ENABLED"}) || pages != 3 {
		t.Errorf("ListIAMPolicyAssignments by one: %q in %d pages", got, pages)
	}
	if got, _ := listAssignments(t, c, types.AssignmentStatusEnabled, 100); !slices.Equal(got, []string{"rule-3=ENABLED"}) {
		t.Errorf("ENABLED assignments: %q", got)
	}
	if got, _ := listAssignments(t, c, types.AssignmentStatusDraft, 100); !slices.Equal(got, []string{"rule-2=DRAFT"}) {
		t.Errorf("DRAFT assignments: %q", got)
	}

	// bob is reached by rule-3 only through the team, and by rule-1 directly
	// while it is enabled.
	if got := forUser(t, c, "bob"); !slices.Equal(got, []string{"rule-3=" + policyARN}) {
		t.Errorf("bob's assignments: %q", got)
	}
	if _, err := updateAssignment(c, t, "rule-1", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.AssignmentStatus = types.AssignmentStatusEnabled
	}); err != nil {
		t.Fatal(err)
	}
	if got := forUser(t, c, "bob"); !slices.Equal(got, []string{"rule-1=" + policyARN, "rule-3=" + policyARN}) {
		t.Errorf("bob's assignments with rule-1 enabled: %q", got)
	}
	if _, err := updateAssignment(c, t, "rule-3", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.AssignmentStatus = types.AssignmentStatusDisabled
	}); err != nil {
		t.Fatal(err)
	}
	if got := forUser(t, c, "bob"); !slices.Equal(got, []string{"rule-1=" + policyARN}) {
		t.Errorf("bob's assignments with rule-3 disabled: %q", got)
	}
	if got := forUser(t, c, "alice"); len(got) != 0 {
		t.Errorf("alice's assignments: %q", got)
	}

	// Deleting a user or a group takes it out of every assignment.
	dropUser(t, c, "default", "bob")
	if d := describeAssignment(t, c, "default", "rule-1"); d.Identities != nil {
		t.Errorf("rule-1 after bob was deleted: %+v", d.Identities)
	}
	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String("default"), GroupName: aws.String("team")}); err != nil {
		t.Fatal(err)
	}
	if d := describeAssignment(t, c, "default", "rule-3"); d.Identities != nil {
		t.Errorf("rule-3 after team was deleted: %+v", d.Identities)
	}

	// An empty Identities takes every identity out; an empty PolicyArn
	// takes the policy away.
	if _, err := updateAssignment(c, t, "rule-2", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.Identities = map[string][]string{"user": {"alice"}}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := updateAssignment(c, t, "rule-2", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.Identities, in.PolicyArn = map[string][]string{}, aws.String("")
	}); err != nil {
		t.Fatal(err)
	}
	if d := describeAssignment(t, c, "default", "rule-2"); d.Identities != nil || d.PolicyArn != nil || d.AssignmentStatus != types.AssignmentStatusDraft {
		t.Errorf("after emptying rule-2: %+v", d)
	}

	del, err := c.DeleteIAMPolicyAssignment(ctx(t), &quicksight.DeleteIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), AssignmentName: aws.String("rule-1")})
	if err != nil || aws.ToString(del.AssignmentName) != "rule-1" {
		t.Fatalf("DeleteIAMPolicyAssignment: %+v, %v", del, err)
	}
	_, err = c.DescribeIAMPolicyAssignment(ctx(t), &quicksight.DescribeIAMPolicyAssignmentInput{AwsAccountId: aws.String(account),
		Namespace: aws.String("default"), AssignmentName: aws.String("rule-1")})
	checkErr(t, "a deleted assignment", err, expectNotFound(types.ExceptionResourceTypeIampolicyAssignment, "rule-1"))
}

func TestIAMPolicyAssignmentErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--db-lock-timeout", "300ms")
	c := s.client("us-east-1")
	acct, dflt := aws.String(account), aws.String("default")
	mkUser(t, c, "default", "alice")
	mkGroup(t, c, "default", "team", "")
	mkNamespace(t, c, "sales")
	mkAssignment(t, c, "default", "taken", types.AssignmentStatusEnabled, map[string][]string{"user": {"alice"}})
	create := func(ns, name string, mod func(*quicksight.CreateIAMPolicyAssignmentInput)) func() error {
		return func() error {
			in := &quicksight.CreateIAMPolicyAssignmentInput{AwsAccountId: acct, Namespace: aws.String(ns), AssignmentName: aws.String(name),
				AssignmentStatus: types.AssignmentStatusEnabled}
			if mod != nil {
				mod(in)
			}
			_, err := c.CreateIAMPolicyAssignment(ctx(t), in)
			return err
		}
	}
	update := func(name string, mod func(*quicksight.UpdateIAMPolicyAssignmentInput)) func() error {
		return func() error { _, err := updateAssignment(c, t, name, mod); return err }
	}
	runErrCases(t, []errCase{
		{"a taken name", create("default", "taken", nil), expectExists(types.ExceptionResourceTypeIampolicyAssignment)},
		{"an unknown namespace", create("nowhere", "x1", nil), expectNotFound(types.ExceptionResourceTypeNamespace, "nowhere")},
		{"an unknown user", create("default", "x2", func(in *quicksight.CreateIAMPolicyAssignmentInput) {
			in.Identities = map[string][]string{"user": {"alice", "nobody"}}
		}), expectNotFound(types.ExceptionResourceTypeUser, "nobody")},
		{"an unknown group", create("default", "x3", func(in *quicksight.CreateIAMPolicyAssignmentInput) {
			in.Identities = map[string][]string{"group": {"ghosts"}}
		}), expectNotFound(types.ExceptionResourceTypeGroup, "ghosts")},
		{"a user of another namespace", create("sales", "x4", func(in *quicksight.CreateIAMPolicyAssignmentInput) {
			in.Identities = map[string][]string{"user": {"alice"}}
		}), expectNotFound(types.ExceptionResourceTypeUser, "alice")},
		{"an unknown identity type", create("default", "x5", func(in *quicksight.CreateIAMPolicyAssignmentInput) {
			in.Identities = map[string][]string{"users": {"alice"}}
		}), expectInvalid("Identities")},
		{"a policy ARN that is not one", create("default", "x6", func(in *quicksight.CreateIAMPolicyAssignmentInput) {
			in.PolicyArn = aws.String("arn:aws:iam::" + account + ":role/Admin")
		}), expectInvalid("PolicyArn")},
		{"a name with a space", create("default", "a b", nil), expectValidation("AssignmentName")},
		{"a name too short", create("default", "a", nil), expectValidation("AssignmentName")},
		{"update an unknown assignment", update("missing", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
			in.AssignmentStatus = types.AssignmentStatusDraft
		}), expectNotFound(types.ExceptionResourceTypeIampolicyAssignment, "missing")},
		{"update to an unknown user", update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
			in.AssignmentStatus = types.AssignmentStatusDraft
			in.Identities = map[string][]string{"user": {"nobody"}}
		}), expectNotFound(types.ExceptionResourceTypeUser, "nobody")},
		{"update to a bad policy ARN", update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
			in.PolicyArn = aws.String("policy/x")
		}), expectInvalid("PolicyArn")},
		{"update with an unknown identity type", update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
			in.Identities = map[string][]string{"role": {"x"}}
		}), expectInvalid("Identities")},
	})
	// The same name in another namespace is another assignment.
	mkAssignment(t, c, "sales", "taken", types.AssignmentStatusDraft, nil)
	// Nothing of the failed requests was kept.
	if d := describeAssignment(t, c, "default", "taken"); d.AssignmentStatus != types.AssignmentStatusEnabled ||
		!reflect.DeepEqual(d.Identities, map[string][]string{"user": {"alice"}}) {
		t.Errorf("after refused updates: %+v", d)
	}
	for _, name := range []string{"x2", "x3", "x5", "x6"} {
		_, err := c.DescribeIAMPolicyAssignment(ctx(t), &quicksight.DescribeIAMPolicyAssignmentInput{AwsAccountId: acct, Namespace: dflt, AssignmentName: aws.String(name)})
		checkErr(t, "after a refused create of "+name, err, expectNotFound(types.ExceptionResourceTypeIampolicyAssignment, name))
	}

	// While another writer holds the assignment past --db-lock-timeout, an
	// update is ConcurrentUpdatingException and changes nothing; once
	// released, the same update goes through.
	release := holdWrite(t, s, "default", "taken")
	started := time.Now()
	err := update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) { in.AssignmentStatus = types.AssignmentStatusDraft })()
	var cu *types.ConcurrentUpdatingException
	if !errors.As(err, &cu) {
		t.Errorf("an update while another writer holds it: %v, want ConcurrentUpdatingException", err)
	}
	if d := time.Since(started); d > 10*time.Second {
		t.Errorf("the update waited %v with --db-lock-timeout 300ms", d)
	}
	release()
	if err := update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) { in.AssignmentStatus = types.AssignmentStatusDraft })(); err != nil {
		t.Errorf("the update once released: %v", err)
	}

	throttled := start(t, "", "--rate-limit", "1").client("us-east-1")
	var te *types.ThrottlingException
	for i := 0; ; i++ {
		_, err := throttled.UpdateIAMPolicyAssignment(ctx(t), &quicksight.UpdateIAMPolicyAssignmentInput{AwsAccountId: acct, Namespace: dflt, AssignmentName: aws.String("taken")})
		if errors.As(err, &te) {
			break
		}
		if i == 5 {
			t.Fatalf("five immediate calls with --rate-limit 1 were never throttled: %v", err)
		}
	}

	damage(t, s, "DROP TABLE assignment_groups")
	err = update("taken", func(in *quicksight.UpdateIAMPolicyAssignmentInput) {
		in.Identities = map[string][]string{"group": {"team"}}
	})()
	var ie *types.InternalFailureException
	if !errors.As(err, &ie) {
		t.Errorf("with a table gone: %v; want InternalFailureException", err)
	}
}

// TestAssignmentsGoWithTheirNamespace: deleting a namespace deletes its
// assignments; a new namespace of that name starts with none.
func TestAssignmentsGoWithTheirNamespace(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkNamespace(t, c, "sales")
	mkUser(t, c, "sales", "erin")
	mkAssignment(t, c, "sales", "r1", types.AssignmentStatusEnabled, map[string][]string{"user": {"erin"}})
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("sales")}); err != nil {
		t.Fatal(err)
	}
	mkNamespace(t, c, "sales")
	out, err := c.ListIAMPolicyAssignments(ctx(t), &quicksight.ListIAMPolicyAssignmentsInput{AwsAccountId: aws.String(account), Namespace: aws.String("sales")})
	if err != nil || len(out.IAMPolicyAssignments) != 0 {
		t.Errorf("assignments of a namespace made again: %+v, %v", out, err)
	}
}
