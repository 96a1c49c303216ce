package e2e

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/document"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
	"github.com/aws/smithy-go"
)

var (
	flowOwner = []string{
		"quicksight:CreatePresignedUrl", "quicksight:DeleteFlow", "quicksight:DescribeFlowPermissions",
		"quicksight:GetFlow", "quicksight:GetFlowSession", "quicksight:GetFlowStages", "quicksight:PublishFlow",
		"quicksight:StartFlowSession", "quicksight:StopFlowSession", "quicksight:UnpublishFlow",
		"quicksight:UpdateFlow", "quicksight:UpdateFlowPermissions", "quicksight:UpdateFlowSession",
	}
	flowViewer = []string{
		"quicksight:CreatePresignedUrl", "quicksight:GetFlow", "quicksight:GetFlowSession", "quicksight:GetFlowStages",
		"quicksight:StartFlowSession", "quicksight:StopFlowSession", "quicksight:UpdateFlowSession",
	}
	uuidPattern = regexp.MustCompile(`^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`)
)

func flowPerm(principal string, actions ...string) types.Permission {
	return types.Permission{Principal: aws.String(principal), Actions: actions}
}

// asResourcePermissions reads a flow's permissions as the shape every
// other asset uses, so that one set of helpers shows both.
func asResourcePermissions(perms []types.Permission) []types.ResourcePermission {
	out := make([]types.ResourcePermission, len(perms))
	for i, p := range perms {
		out[i] = types.ResourcePermission{Principal: p.Principal, Actions: p.Actions}
	}
	return out
}

// flowPermString shows a flow's permissions as permString does.
func flowPermString(perms []types.Permission) string { return permString(asResourcePermissions(perms)) }

// without returns actions less those named.
func without(actions []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(actions), func(a string) bool { return slices.Contains(drop, a) })
}

func flowDefinition(steps ...string) document.Interface {
	var s []any
	for _, step := range steps {
		s = append(s, map[string]any{"Name": step, "Kind": "PROMPT", "Limit": 3})
	}
	return document.NewLazyDocument(map[string]any{"Steps": s, "Version": "1"})
}

func mkFlow(t *testing.T, c *quicksight.Client, name, description string, perms ...types.Permission) string {
	t.Helper()
	in := &quicksight.CreateFlowInput{AwsAccountId: aws.String(account), Name: aws.String(name),
		FlowDefinition: flowDefinition("first"), Permissions: perms}
	if description != "" {
		in.Description = aws.String(description)
	}
	out, err := c.CreateFlow(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateFlow %q: %v", name, err)
	}
	return aws.ToString(out.FlowId)
}

func flowPerms(t *testing.T, c *quicksight.Client, id string) string {
	t.Helper()
	out, err := c.GetFlowPermissions(ctx(t), &quicksight.GetFlowPermissionsInput{AwsAccountId: aws.String(account), FlowId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetFlowPermissions %s: %v", id, err)
	}
	return flowPermString(out.Permissions)
}

func updateFlowPerms(c *quicksight.Client, t *testing.T, id string, grant, revoke []types.Permission) (*quicksight.UpdateFlowPermissionsOutput, error) {
	return c.UpdateFlowPermissions(ctx(t), &quicksight.UpdateFlowPermissionsInput{AwsAccountId: aws.String(account),
		FlowId: aws.String(id), GrantPermissions: grant, RevokePermissions: revoke})
}

func describeFlow(t *testing.T, c *quicksight.Client, id string, state types.FlowPublishState) *types.FlowDetail {
	t.Helper()
	out, err := c.DescribeFlow(ctx(t), &quicksight.DescribeFlowInput{AwsAccountId: aws.String(account), FlowId: aws.String(id), PublishState: state})
	if err != nil {
		t.Fatalf("DescribeFlow %s %s: %v", id, state, err)
	}
	return out.Flow
}

// stepsOf reads the step names of a flow definition.
func stepsOf(t *testing.T, d document.Interface) []string {
	t.Helper()
	var v struct{ Steps []struct{ Name string } }
	if err := d.UnmarshalSmithyDocument(&v); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range v.Steps {
		names = append(names, s.Name)
	}
	return names
}

func userCount(t *testing.T, c *quicksight.Client, id string) int32 {
	t.Helper()
	out, err := c.GetFlowMetadata(ctx(t), &quicksight.GetFlowMetadataInput{AwsAccountId: aws.String(account), FlowId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetFlowMetadata %s: %v", id, err)
	}
	return out.UserCount
}

// expectCode wants an error with the given code, typed or not: what every
// SDK can recognise when an operation does not declare the error.
func expectCode(code, inMessage string) expect {
	return func(err error) string {
		var e smithy.APIError
		if !errors.As(err, &e) || e.ErrorCode() != code || !strings.Contains(e.ErrorMessage(), inMessage) {
			return fmt.Sprintf("want an error coded %s naming %q", code, inMessage)
		}
		return ""
	}
}

func TestFlowLifecycle(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	for _, u := range []string{"alice", "bob", "carol", "dan"} {
		mkUser(t, c, "default", u)
	}
	mkNamespace(t, c, "sales")
	mkUser(t, c, "sales", "erin")
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "bob")
	joinGroup(t, c, "default", "team", "carol")
	alice, bob, team, dflt := principal("user", "default/alice"), principal("user", "default/bob"),
		principal("group", "default/team"), principal("namespace", "default")

	id := mkFlow(t, c, "Onboarding", "Helps new staff", flowPerm(alice, flowOwner...))
	if !uuidPattern.MatchString(id) {
		t.Errorf("FlowId %q is not a UUID", id)
	}
	for _, state := range []types.FlowPublishState{types.FlowPublishStatePublished, types.FlowPublishStateDraft} {
		f := describeFlow(t, c, id, state)
		if aws.ToString(f.Arn) != "arn:aws:quicksight:us-east-1:"+account+":flow/"+id || aws.ToString(f.Name) != "Onboarding" ||
			aws.ToString(f.Description) != "Helps new staff" || f.PublishState != state || f.CreatedTime == nil ||
			!slices.Equal(stepsOf(t, f.FlowDefinition), []string{"first"}) {
			t.Errorf("DescribeFlow %s: %+v", state, f)
		}
	}
	_, err := c.DescribeFlow(ctx(t), &quicksight.DescribeFlowInput{AwsAccountId: acct, FlowId: aws.String(id), PublishState: types.FlowPublishStatePendingApproval})
	checkErr(t, "a PENDING_APPROVAL version", err, expectNotFound("", "PENDING_APPROVAL"))

	// Grant bob the owner actions and the namespace the viewer actions,
	// then revoke one of bob's.
	up, err := updateFlowPerms(c, t, id, []types.Permission{flowPerm(bob, flowOwner...), flowPerm(dflt, flowViewer...)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := flowPermString([]types.Permission{flowPerm(alice, flowOwner...), flowPerm(bob, flowOwner...), flowPerm(dflt, flowViewer...)})
	if got := flowPermString(up.Permissions); got != want || aws.ToString(up.FlowId) != id || !strings.HasSuffix(aws.ToString(up.Arn), ":flow/"+id) {
		t.Errorf("UpdateFlowPermissions answered %s (%s %s)\nwant %s", got, aws.ToString(up.FlowId), aws.ToString(up.Arn), want)
	}
	if _, err := updateFlowPerms(c, t, id, nil, []types.Permission{flowPerm(bob, "quicksight:deleteflow")}); err != nil {
		t.Fatal(err)
	}
	want = flowPermString([]types.Permission{flowPerm(alice, flowOwner...), flowPerm(bob, without(flowOwner, "quicksight:DeleteFlow")...), flowPerm(dflt, flowViewer...)})
	if got := flowPerms(t, c, id); got != want {
		t.Errorf("GetFlowPermissions = %s\nwant %s", got, want)
	}

	// A namespace may only view: the request is refused whole.
	_, err = updateFlowPerms(c, t, id, []types.Permission{flowPerm(team, "quicksight:GetFlow"), flowPerm(dflt, "quicksight:GetFlow", "quicksight:UpdateFlow")}, nil)
	checkErr(t, "a namespace given an owner action", err, expectInvalid("GrantPermissions[1].Actions[1]"))
	if got := flowPerms(t, c, id); got != want {
		t.Errorf("after the refused grant: %s", got)
	}
	// The namespace's viewer actions can be revoked.
	if _, err := updateFlowPerms(c, t, id, []types.Permission{flowPerm(team, "quicksight:GetFlow")}, []types.Permission{flowPerm(dflt, flowViewer...)}); err != nil {
		t.Fatal(err)
	}

	// Users who can reach the flow: alice and bob directly, carol through
	// the team (bob counted once); then everyone in default, not erin.
	if n := userCount(t, c, id); n != 3 {
		t.Errorf("UserCount with two users and a group = %d, want 3", n)
	}
	if _, err := updateFlowPerms(c, t, id, []types.Permission{flowPerm(dflt, "quicksight:GetFlow")}, nil); err != nil {
		t.Fatal(err)
	}
	if n := userCount(t, c, id); n != 4 {
		t.Errorf("UserCount with the default namespace = %d, want 4", n)
	}

	// UpdateFlow keeps what it is not given; a definition replaces the old.
	if _, err := c.UpdateFlow(ctx(t), &quicksight.UpdateFlowInput{AwsAccountId: acct, FlowId: aws.String(id), Description: aws.String("For new staff")}); err != nil {
		t.Fatal(err)
	}
	f := describeFlow(t, c, id, types.FlowPublishStatePublished)
	if aws.ToString(f.Name) != "Onboarding" || aws.ToString(f.Description) != "For new staff" || !slices.Equal(stepsOf(t, f.FlowDefinition), []string{"first"}) {
		t.Errorf("after a description update: %+v", f)
	}
	if _, err := c.UpdateFlow(ctx(t), &quicksight.UpdateFlowInput{AwsAccountId: acct, FlowId: aws.String(id), Name: aws.String("Welcome"),
		FlowDefinition: flowDefinition("one", "two")}); err != nil {
		t.Fatal(err)
	}
	for _, state := range []types.FlowPublishState{types.FlowPublishStatePublished, types.FlowPublishStateDraft} {
		f := describeFlow(t, c, id, state)
		if aws.ToString(f.Name) != "Welcome" || aws.ToString(f.Description) != "For new staff" || !slices.Equal(stepsOf(t, f.FlowDefinition), []string{"one", "two"}) {
			t.Errorf("%s after a definition update: %+v", state, f)
		}
	}

	// A deleted user's grants go with it.
	dropUser(t, c, "default", "bob")
	if got := flowPerms(t, c, id); strings.Contains(got, "user/default/bob") {
		t.Errorf("bob's grant outlived him: %s", got)
	}

	if _, err := c.DeleteFlow(ctx(t), &quicksight.DeleteFlowInput{AwsAccountId: acct, FlowId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeFlow(ctx(t), &quicksight.DescribeFlowInput{AwsAccountId: acct, FlowId: aws.String(id), PublishState: types.FlowPublishStatePublished})
	checkErr(t, "a deleted flow", err, expectNotFound("", id))
	_, err = c.GetFlowPermissions(ctx(t), &quicksight.GetFlowPermissionsInput{AwsAccountId: acct, FlowId: aws.String(id)})
	checkErr(t, "permissions of a deleted flow", err, expectCode("ResourceNotFoundException", id))
	_, err = c.DeleteFlow(ctx(t), &quicksight.DeleteFlowInput{AwsAccountId: acct, FlowId: aws.String(id)})
	checkErr(t, "deleting it again", err, expectNotFound("", id))
}

func TestListAndSearchFlows(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	joinGroup(t, c, "default", "team", "bob")
	alice, bob, team := principal("user", "default/alice"), principal("user", "default/bob"), principal("group", "default/team")
	ids := map[string]string{
		"Sales intake":   mkFlow(t, c, "Sales intake", "Qualifies leads", flowPerm(alice, flowOwner...)),
		"Sales closing":  mkFlow(t, c, "Sales closing", "", flowPerm(alice, flowOwner...), flowPerm(bob, flowOwner...)),
		"Support triage": mkFlow(t, c, "Support triage", "Routes tickets to the right team", flowPerm(team, flowViewer...)),
		"Empty":          mkFlow(t, c, "Empty", ""),
	}
	names := func(summaries []types.FlowSummary) []string {
		var out []string
		for _, f := range summaries {
			out = append(out, aws.ToString(f.Name))
		}
		sort.Strings(out)
		return out
	}

	var listed []types.FlowSummary
	pages := 0
	for p := quicksight.NewListFlowsPaginator(c, &quicksight.ListFlowsInput{AwsAccountId: acct, MaxResults: aws.Int32(1)}); p.HasMorePages(); pages++ {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, out.FlowSummaryList...)
	}
	if got := names(listed); pages != 4 || !slices.Equal(got, []string{"Empty", "Sales closing", "Sales intake", "Support triage"}) {
		t.Errorf("ListFlows by one: %d pages, %q", pages, got)
	}
	for _, f := range listed {
		if f.PublishState != types.FlowPublishStatePublished || f.CreatedTime == nil || aws.ToString(f.FlowId) != ids[aws.ToString(f.Name)] {
			t.Errorf("summary %+v", f)
		}
	}

	filter := func(name types.FieldName, op types.SearchFilterOperator, value string) types.SearchFlowsFilter {
		return types.SearchFlowsFilter{Name: name, Operator: op, Value: aws.String(value)}
	}
	eq, like := types.SearchFilterOperatorStringEquals, types.SearchFilterOperatorStringLike
	for _, tc := range []struct {
		name    string
		filters []types.SearchFlowsFilter
		want    []string
	}{
		{"name contains", []types.SearchFlowsFilter{filter(types.FieldNameFlowName, like, "SALES")}, []string{"Sales closing", "Sales intake"}},
		{"name equals", []types.SearchFlowsFilter{filter(types.FieldNameFlowName, eq, "Sales intake")}, []string{"Sales intake"}},
		{"description contains", []types.SearchFlowsFilter{filter(types.FieldNameFlowDescription, like, "ticket")}, []string{"Support triage"}},
		{"owner", []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightOwner, eq, alice)}, []string{"Sales closing", "Sales intake"}},
		{"sole owner", []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightSoleOwner, eq, alice)}, []string{"Sales intake"}},
		{"viewer, directly only", []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightViewerOrOwner, eq, bob)}, []string{"Sales closing"}},
		{"group viewer", []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightViewerOrOwner, eq, team)}, []string{"Support triage"}},
		{"two filters", []types.SearchFlowsFilter{filter(types.FieldNameFlowName, like, "sales"), filter(types.FieldNameDirectQuicksightSoleOwner, eq, alice)}, []string{"Sales intake"}},
		{"nothing", []types.SearchFlowsFilter{filter(types.FieldNameFlowName, eq, "sales intake")}, nil},
		{"description equals", []types.SearchFlowsFilter{filter(types.FieldNameFlowDescription, eq, "Qualifies leads")}, []string{"Sales intake"}},
		{"no filters: every flow", []types.SearchFlowsFilter{}, []string{"Empty", "Sales closing", "Sales intake", "Support triage"}},
		// Flows without a description match no description filter but the empty one.
		{"empty description", []types.SearchFlowsFilter{filter(types.FieldNameFlowDescription, eq, "")}, []string{"Empty", "Sales closing"}},
	} {
		for _, size := range []int32{1, 100} {
			var found []types.FlowSummary
			for p := quicksight.NewSearchFlowsPaginator(c, &quicksight.SearchFlowsInput{AwsAccountId: acct, Filters: tc.filters, MaxResults: aws.Int32(size)}); p.HasMorePages(); {
				out, err := p.NextPage(ctx(t))
				if err != nil {
					t.Fatalf("%s: %v", tc.name, err)
				}
				found = append(found, out.FlowSummaryList...)
			}
			if got := names(found); !slices.Equal(got, tc.want) {
				t.Errorf("SearchFlows %s (pages of %d) = %q, want %q", tc.name, size, got, tc.want)
			}
		}
	}

	// A token is bound to its filters.
	first, err := c.SearchFlows(ctx(t), &quicksight.SearchFlowsInput{AwsAccountId: acct, MaxResults: aws.Int32(1),
		Filters: []types.SearchFlowsFilter{filter(types.FieldNameFlowName, like, "sales")}})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %+v, %v", first, err)
	}
	_, err = c.SearchFlows(ctx(t), &quicksight.SearchFlowsInput{AwsAccountId: acct, NextToken: first.NextToken,
		Filters: []types.SearchFlowsFilter{filter(types.FieldNameFlowName, like, "support")}})
	// SearchFlows declares no InvalidNextTokenException.
	checkErr(t, "a token of another search", err, expectInvalid("NextToken"))
	runErrCases(t, []errCase{
		{"StringLike on an owner filter", func() error {
			_, err := c.SearchFlows(ctx(t), &quicksight.SearchFlowsInput{AwsAccountId: acct, Filters: []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightOwner, like, alice)}})
			return err
		}, expectInvalid("Filters[0].Operator")},
		{"a namespace as owner", func() error {
			_, err := c.SearchFlows(ctx(t), &quicksight.SearchFlowsInput{AwsAccountId: acct, Filters: []types.SearchFlowsFilter{
				filter(types.FieldNameFlowName, like, "x"), filter(types.FieldNameDirectQuicksightOwner, eq, principal("namespace", "default"))}})
			return err
		}, expectInvalid("Filters[1].Value")},
		{"an owner who does not exist", func() error {
			_, err := c.SearchFlows(ctx(t), &quicksight.SearchFlowsInput{AwsAccountId: acct, Filters: []types.SearchFlowsFilter{filter(types.FieldNameDirectQuicksightOwner, eq, principal("user", "default/nobody"))}})
			return err
		}, expectInvalid("nobody")},
	})
}

// TestFlowClientTokens: the same ClientToken with the same input answers
// the first result and changes nothing; with another input it is a
// conflict.
func TestFlowClientTokens(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	create := func(token, name string) (*quicksight.CreateFlowOutput, error) {
		return c.CreateFlow(ctx(t), &quicksight.CreateFlowInput{AwsAccountId: acct, Name: aws.String(name),
			FlowDefinition: flowDefinition("a", "b"), ClientToken: aws.String(token)})
	}
	first, err := create("create-1", "Intake")
	if err != nil {
		t.Fatal(err)
	}
	again, err := create("create-1", "Intake")
	if err != nil || aws.ToString(again.FlowId) != aws.ToString(first.FlowId) || aws.ToString(again.Arn) != aws.ToString(first.Arn) {
		t.Fatalf("a retried create: %+v, %v; first %+v", again, err, first)
	}
	_, err = create("create-1", "Other")
	checkErr(t, "the token with another name", err, expectConflict("create-1"))
	other, err := create("create-2", "Intake")
	if err != nil || aws.ToString(other.FlowId) == aws.ToString(first.FlowId) {
		t.Fatalf("another token: %+v, %v", other, err)
	}
	list, err := c.ListFlows(ctx(t), &quicksight.ListFlowsInput{AwsAccountId: acct})
	if err != nil || len(list.FlowSummaryList) != 2 {
		t.Fatalf("ListFlows after two distinct creates: %+v, %v", list, err)
	}

	id := first.FlowId
	update := func(token, name string) error {
		_, err := c.UpdateFlow(ctx(t), &quicksight.UpdateFlowInput{AwsAccountId: acct, FlowId: id, Name: aws.String(name), ClientToken: aws.String(token)})
		return err
	}
	for _, step := range []struct{ token, name string }{{"u1", "First"}, {"u2", "Second"}, {"u1", "First"}} {
		if err := update(step.token, step.name); err != nil {
			t.Fatalf("UpdateFlow %s: %v", step.token, err)
		}
	}
	if got := aws.ToString(describeFlow(t, c, *id, types.FlowPublishStatePublished).Name); got != "Second" {
		t.Errorf("after a retried update: name %q, want Second (the retry applies nothing)", got)
	}
	checkErr(t, "an update token with another name", update("u2", "Third"), expectConflict("u2"))
}

func TestFlowPermissionErrors(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	mkUser(t, c, "default", "bob")
	bob := principal("user", "default/bob")
	id := mkFlow(t, c, "f", "", flowPerm(bob, flowOwner...))
	grant := func(flow string, perms ...types.Permission) func() error {
		return func() error { _, err := updateFlowPerms(c, t, flow, perms, nil); return err }
	}
	runErrCases(t, []errCase{
		{"unknown action", grant(id, flowPerm(bob, "quicksight:DescribeAnalysis")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"principal that does not exist", grant(id, flowPerm(bob, "quicksight:GetFlow"), flowPerm(principal("user", "default/nobody"), "quicksight:GetFlow")), expectInvalid("GrantPermissions[1].Principal: user/default/nobody")},
		{"create naming a principal that does not exist", func() error {
			_, err := c.CreateFlow(ctx(t), &quicksight.CreateFlowInput{AwsAccountId: aws.String(account), Name: aws.String("x"), FlowDefinition: flowDefinition("x"),
				Permissions: []types.Permission{flowPerm(bob, "quicksight:GetFlow"), flowPerm(bob, "quicksight:UpdateFlow"), flowPerm(principal("group", "default/ghosts"), "quicksight:GetFlow")}})
			return err
		}, expectInvalid("Permissions[2].Principal: group/default/ghosts")},
		{"create with a namespace as an owner", func() error {
			_, err := c.CreateFlow(ctx(t), &quicksight.CreateFlowInput{AwsAccountId: aws.String(account), Name: aws.String("x"), FlowDefinition: flowDefinition("x"),
				Permissions: []types.Permission{flowPerm(bob, flowOwner...), flowPerm(principal("namespace", "default"), "quicksight:GetFlow", "quicksight:PublishFlow")}})
			return err
		}, expectInvalid("Permissions[1].Actions[1]")},
		{"update an unknown flow", func() error {
			_, err := c.UpdateFlow(ctx(t), &quicksight.UpdateFlowInput{AwsAccountId: aws.String(account), FlowId: aws.String("00000000-0000-4000-8000-000000000000"), Name: aws.String("x")})
			return err
		}, expectNotFound("", "00000000-0000-4000-8000-000000000000")},
		{"principal in another account", grant(id, flowPerm("arn:aws:quicksight:us-east-1:999999999999:user/default/bob", "quicksight:GetFlow")), expectInvalid("GrantPermissions[0].Principal")},
		{"namespace as an owner", grant(id, flowPerm(principal("namespace", "default"), "quicksight:DeleteFlow")), expectInvalid("GrantPermissions[0].Actions[0]")},
		{"a flow that does not exist", grant("00000000-0000-4000-8000-000000000000", flowPerm(bob, "quicksight:GetFlow")), expectCode("ResourceNotFoundException", "00000000-0000-4000-8000-000000000000")},
		{"an id that is not a UUID", grant("not-a-uuid", flowPerm(bob, "quicksight:GetFlow")), expectValidation("FlowId")},
	})
	if list, err := c.ListFlows(ctx(t), &quicksight.ListFlowsInput{AwsAccountId: aws.String(account)}); err != nil || len(list.FlowSummaryList) != 1 {
		t.Errorf("refused creates left flows behind: %+v, %v", list, err)
	}

	// At most 100 principals; UpdateFlowPermissions declares no
	// LimitExceededException, so it answers InvalidParameterValue.
	var groups []types.Permission
	for i := range 100 {
		name := fmt.Sprintf("g%03d", i)
		mkGroup(t, c, "default", name, "")
		groups = append(groups, flowPerm(principal("group", "default/"+name), "quicksight:GetFlow"))
	}
	if _, err := updateFlowPerms(c, t, id, groups[:99], nil); err != nil {
		t.Fatalf("granting to 99 groups besides bob: %v", err)
	}
	_, err := updateFlowPerms(c, t, id, groups[99:], nil)
	checkErr(t, "a 101st principal", err, expectInvalid("100"))
	if got := flowPerms(t, c, id); strings.Count(got, "=") != 100 || strings.Contains(got, "g099") {
		t.Errorf("after the refused grant: %d principals", strings.Count(got, "="))
	}
	// At create, the model declares LimitExceededException.
	_, err = c.CreateFlow(ctx(t), &quicksight.CreateFlowInput{AwsAccountId: aws.String(account), Name: aws.String("big"),
		FlowDefinition: flowDefinition("x"), Permissions: append(groups, flowPerm(bob, "quicksight:GetFlow"))})
	checkErr(t, "a create with 101 principals", err, expectLimit(""))

	// Throttling and an internal failure are typed too.
	throttled := start(t, "", "--rate-limit", "1").client("us-east-1")
	var te *types.ThrottlingException
	for i := 0; ; i++ {
		_, err := throttled.UpdateFlowPermissions(ctx(t), &quicksight.UpdateFlowPermissionsInput{AwsAccountId: aws.String(account), FlowId: aws.String(id)})
		if errors.As(err, &te) {
			break
		}
		if i == 5 {
			t.Fatalf("five immediate calls with --rate-limit 1 were never throttled: %v", err)
		}
	}
	damage(t, s, "DROP TABLE grants")
	_, err = updateFlowPerms(c, t, id, []types.Permission{flowPerm(bob, "quicksight:GetFlow")}, nil)
	var ie *types.InternalFailureException
	if !errors.As(err, &ie) || strings.Contains(aws.ToString(ie.Message), "grants") {
		t.Errorf("with the grants table gone: %v; want InternalFailureException that leaks nothing", err)
	}
}

// TestFlowsSurviveRestart: flows, their versions and grants are kept.
func TestFlowsSurviveRestart(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	s := start(t, db)
	c := s.client("us-east-1")
	mkUser(t, c, "default", "alice")
	alice := principal("user", "default/alice")
	id := mkFlow(t, c, "Kept", "across restarts", flowPerm(alice, flowViewer...))
	before := describeFlow(t, c, id, types.FlowPublishStatePublished)
	s.stop(t)
	c = start(t, db).client("us-east-1")
	after := describeFlow(t, c, id, types.FlowPublishStatePublished)
	if !reflect.DeepEqual(stepsOf(t, before.FlowDefinition), stepsOf(t, after.FlowDefinition)) ||
		aws.ToString(after.Name) != "Kept" || !after.CreatedTime.Equal(*before.CreatedTime) {
		t.Errorf("after a restart: %+v, before %+v", after, before)
	}
	if got, want := flowPerms(t, c, id), alice+"="+strings.Join(flowViewer, ","); got != want {
		t.Errorf("permissions after a restart: %s, want %s", got, want)
	}
}

// TestFlowGrantsGoWithTheirPrincipals: deleting a group or a namespace
// drops what was granted to it, and the users a flow reaches follow the
// memberships.
func TestFlowGrantsGoWithTheirPrincipals(t *testing.T) {
	t.Parallel()
	s := start(t, "")
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	mkGroup(t, c, "default", "team2", "") // its name extends team's
	joinGroup(t, c, "default", "team", "alice")
	mkNamespace(t, c, "sales")
	mkUser(t, c, "sales", "erin")
	mkUser(t, c, "sales", "finn")
	team, team2, sales := principal("group", "default/team"), principal("group", "default/team2"), principal("namespace", "sales")
	id := mkFlow(t, c, "f", "described", flowPerm(team, "quicksight:GetFlow"), flowPerm(team2, "quicksight:GetFlow"), flowPerm(sales, "quicksight:GetFlow"))
	if n := userCount(t, c, id); n != 3 {
		t.Errorf("UserCount with team (alice) and sales (erin, finn) = %d, want 3", n)
	}
	joinGroup(t, c, "default", "team", "bob")
	if n := userCount(t, c, id); n != 4 {
		t.Errorf("UserCount once bob joins the team = %d, want 4", n)
	}
	if _, err := c.DeleteGroup(ctx(t), &quicksight.DeleteGroupInput{AwsAccountId: acct, Namespace: aws.String("default"), GroupName: aws.String("team")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: acct, Namespace: aws.String("sales")}); err != nil {
		t.Fatal(err)
	}
	if got, want := flowPerms(t, c, id), team2+"=quicksight:GetFlow"; got != want {
		t.Errorf("after deleting team and sales: %s, want %s", got, want)
	}
	if n := userCount(t, c, id); n != 0 {
		t.Errorf("UserCount with only an empty group = %d, want 0", n)
	}
	// An empty Description clears it; the rest is kept.
	if _, err := c.UpdateFlow(ctx(t), &quicksight.UpdateFlowInput{AwsAccountId: acct, FlowId: aws.String(id), Description: aws.String("")}); err != nil {
		t.Fatal(err)
	}
	if f := describeFlow(t, c, id, types.FlowPublishStateDraft); f.Description != nil || aws.ToString(f.Name) != "f" {
		t.Errorf("after clearing the description: %+v", f)
	}
}
