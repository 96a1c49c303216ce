package qslocal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/sqlite"
)

const asyncDelay = 500 * time.Millisecond

// asyncClock is a clock the test moves.
type asyncClock struct{ now time.Time }

func newAsyncClock() *asyncClock          { return &asyncClock{time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)} }
func (c *asyncClock) read() time.Time     { return c.now }
func (c *asyncClock) add(d time.Duration) { c.now = c.now.Add(d) }
func (c *asyncClock) set(t time.Time)     { c.now = t }

// newAsyncService is a Service with an async delay on a fresh in-memory
// store, reading clock; it returns the store too, for a second Service.
func newAsyncService(t *testing.T, clock *asyncClock, delay time.Duration) (*qslocal.Service, qslocal.Store) {
	t.Helper()
	store, err := sqlite.Open(context.Background(), ":memory:", sqlite.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return serviceOn(t, store, clock, delay), store
}

func serviceOn(t *testing.T, store qslocal.Store, clock *asyncClock, delay time.Duration) *qslocal.Service {
	t.Helper()
	svc, err := qslocal.NewService(context.Background(), qslocal.Config{Store: store, Clock: clock.read, AsyncDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func describeNamespace(svc *qslocal.Service, name string) (api.NamespaceStatus, error) {
	out, err := svc.DescribeNamespace(context.Background(), &api.DescribeNamespaceRequest{AwsAccountId: s(acct), Namespace: s(name)})
	if err != nil {
		return "", err
	}
	return *out.Namespace.CreationStatus, nil
}

// listedNamespaces maps each listed namespace to its status, paging one at
// a time so that every page boundary is crossed.
func listedNamespaces(t *testing.T, svc *qslocal.Service) map[string]api.NamespaceStatus {
	t.Helper()
	got := map[string]api.NamespaceStatus{}
	var next *string
	for {
		out, err := svc.ListNamespaces(context.Background(), &api.ListNamespacesRequest{AwsAccountId: s(acct), MaxResults: new(int32(1)), NextToken: next})
		if err != nil {
			t.Fatalf("ListNamespaces: %v", err)
		}
		if len(out.Namespaces) != 1 && out.NextToken != nil {
			t.Fatalf("ListNamespaces: a page of %d before the last", len(out.Namespaces))
		}
		for _, ns := range out.Namespaces {
			got[*ns.Name] = *ns.CreationStatus
		}
		if next = out.NextToken; next == nil {
			return got
		}
	}
}

// A new namespace is CREATING for the delay, then CREATED; while CREATING,
// reads see it (empty) and operations that put something into it or change
// its settings answer PreconditionNotMetException.
func TestNamespaceCreatingThenCreated(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, store := newAsyncService(t, clock, asyncDelay)

	out, err := svc.CreateNamespace(ctx, createNamespaceIn("sales"))
	if err != nil || *out.CreationStatus != api.NamespaceStatusCreating {
		t.Fatalf("CreateNamespace = %+v, %v; want CREATING", out, err)
	}
	// The default namespace comes with the account, ready.
	if st, err := describeNamespace(svc, "default"); err != nil || st != api.NamespaceStatusCreated {
		t.Errorf("default: %s, %v", st, err)
	}
	if _, err := svc.RegisterUser(ctx, registerUserIn("default", "alice")); err != nil {
		t.Errorf("RegisterUser into default: %v", err)
	}
	if st, err := describeNamespace(svc, "sales"); err != nil || st != api.NamespaceStatusCreating {
		t.Errorf("DescribeNamespace: %s, %v; want CREATING", st, err)
	}
	// Every process sharing the store sees the same state.
	if st, err := describeNamespace(serviceOn(t, store, clock, asyncDelay), "sales"); err != nil || st != api.NamespaceStatusCreating {
		t.Errorf("DescribeNamespace from another Service: %s, %v; want CREATING", st, err)
	}
	if got := listedNamespaces(t, svc); len(got) != 2 || got["sales"] != api.NamespaceStatusCreating || got["default"] != api.NamespaceStatusCreated {
		t.Errorf("ListNamespaces: %v", got)
	}

	notReady := map[string]func() error{
		"RegisterUser": func() error { _, err := svc.RegisterUser(ctx, registerUserIn("sales", "bob")); return err },
		"CreateGroup": func() error {
			_, err := svc.CreateGroup(ctx, &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s("sales"), GroupName: s("g")})
			return err
		},
		"UpdateRoleCustomPermission": func() error {
			_, err := svc.UpdateRoleCustomPermission(ctx, &api.UpdateRoleCustomPermissionRequest{AwsAccountId: s(acct), Namespace: s("sales"),
				Role: (*api.Role)(s("READER")), CustomPermissionsName: s("p")})
			return err
		},
		"DeleteRoleCustomPermission": func() error {
			_, err := svc.DeleteRoleCustomPermission(ctx, &api.DeleteRoleCustomPermissionRequest{AwsAccountId: s(acct), Namespace: s("sales"),
				Role: (*api.Role)(s("READER"))})
			return err
		},
		"UpdateSelfUpgradeConfiguration": func() error {
			_, err := svc.UpdateSelfUpgradeConfiguration(ctx, &api.UpdateSelfUpgradeConfigurationRequest{AwsAccountId: s(acct), Namespace: s("sales"),
				SelfUpgradeStatus: (*api.SelfUpgradeStatus)(s("AUTO_APPROVAL"))})
			return err
		},
		"UpdateSelfUpgrade": func() error {
			_, err := svc.UpdateSelfUpgrade(ctx, &api.UpdateSelfUpgradeRequest{AwsAccountId: s(acct), Namespace: s("sales"),
				UpgradeRequestId: s("x"), Action: (*api.SelfUpgradeAdminAction)(s("APPROVE"))})
			return err
		},
		"CreateIAMPolicyAssignment": func() error {
			_, err := svc.CreateIAMPolicyAssignment(ctx, &api.CreateIAMPolicyAssignmentRequest{AwsAccountId: s(acct), Namespace: s("sales"),
				AssignmentName: s("a"), AssignmentStatus: (*api.AssignmentStatus)(s("ENABLED"))})
			return err
		},
		"DeleteNamespace": func() error {
			_, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")})
			return err
		},
	}
	for op, call := range notReady {
		if err := call(); !isError(err, qslocal.CodePreconditionNotMet, "") {
			t.Errorf("%s while CREATING: %v; want PreconditionNotMetException", op, err)
		}
	}
	// Reads see an empty namespace.
	if l, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("sales")}); err != nil || len(l.UserList) != 0 {
		t.Errorf("ListUsers while CREATING: %v, %v", l, err)
	}

	clock.add(asyncDelay - time.Microsecond)
	if st, _ := describeNamespace(svc, "sales"); st != api.NamespaceStatusCreating {
		t.Errorf("just before the delay has passed: %s", st)
	}
	clock.add(time.Microsecond)
	if st, err := describeNamespace(svc, "sales"); err != nil || st != api.NamespaceStatusCreated {
		t.Errorf("once the delay has passed: %s, %v; want CREATED", st, err)
	}
	if got := listedNamespaces(t, svc); got["sales"] != api.NamespaceStatusCreated {
		t.Errorf("ListNamespaces once created: %v", got)
	}
	if _, err := svc.RegisterUser(ctx, registerUserIn("sales", "bob")); err != nil {
		t.Errorf("RegisterUser once CREATED: %v", err)
	}
}

// A deleted namespace is DELETING to DescribeNamespace and ListNamespaces
// for the delay, then gone; to every other operation it is gone at once.
func TestNamespaceDeletingThenGone(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, _ := newAsyncService(t, clock, asyncDelay)
	for _, name := range []string{"a", "b", "c", "d"} {
		if _, err := svc.CreateNamespace(ctx, createNamespaceIn(name, api.Tag{Key: s("k"), Value: s("v")})); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(asyncDelay)
	if _, err := svc.RegisterUser(ctx, registerUserIn("b", "bob")); err != nil {
		t.Fatal(err)
	}
	deleted := clock.now
	for _, name := range []string{"b", "c"} {
		if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s(name)}); err != nil {
			t.Fatalf("DeleteNamespace %s: %v", name, err)
		}
	}
	if st, err := describeNamespace(svc, "b"); err != nil || st != api.NamespaceStatusDeleting {
		t.Errorf("DescribeNamespace after DeleteNamespace: %s, %v; want DELETING", st, err)
	}
	if got := listedNamespaces(t, svc); len(got) != 5 || got["b"] != api.NamespaceStatusDeleting || got["a"] != api.NamespaceStatusCreated {
		t.Errorf("ListNamespaces while deleting: %v", got)
	}

	notFound := map[string]func() error{
		"RegisterUser": func() error { _, err := svc.RegisterUser(ctx, registerUserIn("b", "carol")); return err },
		"DescribeUser": func() error {
			_, err := svc.DescribeUser(ctx, &api.DescribeUserRequest{AwsAccountId: s(acct), Namespace: s("b"), UserName: s("bob")})
			return err
		},
		"ListUsers": func() error {
			_, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("b")})
			return err
		},
		"CreateGroup": func() error {
			_, err := svc.CreateGroup(ctx, &api.CreateGroupRequest{AwsAccountId: s(acct), Namespace: s("b"), GroupName: s("g")})
			return err
		},
		"ListGroups": func() error {
			_, err := svc.ListGroups(ctx, &api.ListGroupsRequest{AwsAccountId: s(acct), Namespace: s("b")})
			return err
		},
		"DeleteNamespace": func() error {
			_, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("b")})
			return err
		},
		"ListTagsForResource": func() error {
			_, err := svc.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s("arn:aws:quicksight:us-east-1:" + acct + ":namespace/b")})
			return err
		},
	}
	for op, call := range notFound {
		if err := call(); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
			t.Errorf("%s while DELETING: %v; want ResourceNotFoundException (NAMESPACE)", op, err)
		}
	}
	// A namespace being deleted is no principal to grant to.
	_, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("x"), Name: s("x"),
		Definition: &api.AnalysisDefinition{}, Permissions: []api.ResourcePermission{{
			Principal: s("arn:aws:quicksight:us-east-1:" + acct + ":namespace/b"), Actions: []string{"quicksight:DescribeAnalysis"}}}})
	if !isError(err, qslocal.CodeInvalidParameterValue, "") {
		t.Errorf("granting to a namespace while DELETING: %v", err)
	}
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("b")); !isError(err, qslocal.CodeConflict, "") {
		t.Errorf("CreateNamespace of a name still DELETING: %v; want ConflictException", err)
	}
	snap, err := svc.Export(ctx, acct)
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range snap.Accounts[0].Namespaces {
		if ns.Name == "b" || ns.Name == "c" {
			t.Errorf("the export holds namespace %s, which is being deleted", ns.Name)
		}
	}

	clock.set(deleted.Add(asyncDelay))
	if _, err := describeNamespace(svc, "b"); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
		t.Errorf("DescribeNamespace once deleted: %v", err)
	}
	// The rows of finished deletions do not shorten pages.
	if got := listedNamespaces(t, svc); len(got) != 3 || got["b"] != "" || got["c"] != "" {
		t.Errorf("ListNamespaces once deleted: %v", got)
	}
	// The name is free again, and the new namespace starts empty.
	if out, err := svc.CreateNamespace(ctx, createNamespaceIn("b")); err != nil || *out.CreationStatus != api.NamespaceStatusCreating {
		t.Fatalf("CreateNamespace once deleted: %v, %v", out, err)
	}
	clock.add(asyncDelay)
	if l, err := svc.ListUsers(ctx, &api.ListUsersRequest{AwsAccountId: s(acct), Namespace: s("b")}); err != nil || len(l.UserList) != 0 {
		t.Errorf("ListUsers of the new namespace: %v, %v", l, err)
	}
	if tags, err := svc.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s("arn:aws:quicksight:us-east-1:" + acct + ":namespace/b")}); err != nil || len(tags.Tags) != 0 {
		t.Errorf("tags of the new namespace: %v, %v", tags, err)
	}
}

// With a delay of 0 everything is done when it answers, as before there
// was a delay, also for a row written by a process whose clock runs ahead.
func TestNoAsyncDelay(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, _ := newAsyncService(t, clock, 0)
	if out, err := svc.CreateNamespace(ctx, createNamespaceIn("sales")); err != nil || *out.CreationStatus != api.NamespaceStatusCreated {
		t.Fatalf("CreateNamespace = %v, %v", out, err)
	}
	clock.add(-time.Second) // another process, its clock a second behind
	if st, err := describeNamespace(svc, "sales"); err != nil || st != api.NamespaceStatusCreated {
		t.Errorf("DescribeNamespace: %s, %v", st, err)
	}
	if _, err := svc.RegisterUser(ctx, registerUserIn("sales", "bob")); err != nil {
		t.Errorf("RegisterUser: %v", err)
	}
	a, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("x"), Name: s("x"), Definition: &api.AnalysisDefinition{}})
	if err != nil || *a.CreationStatus != api.ResourceStatusCreationSuccessful {
		t.Errorf("CreateAnalysis = %v, %v", a, err)
	}
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")}); err != nil {
		t.Fatal(err)
	}
	if _, err := describeNamespace(svc, "sales"); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
		t.Errorf("DescribeNamespace after DeleteNamespace: %v", err)
	}
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("sales")); err != nil {
		t.Errorf("CreateNamespace again: %v", err)
	}
}

// A namespace deleted with a delay whose DELETING row outlives a restart
// with a delay of 0 is gone at once.
func TestDeletingRowAfterDelayDropped(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, store := newAsyncService(t, clock, asyncDelay)
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("sales")); err != nil {
		t.Fatal(err)
	}
	clock.add(asyncDelay)
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("sales")}); err != nil {
		t.Fatal(err)
	}
	instant := serviceOn(t, store, clock, 0)
	if _, err := describeNamespace(instant, "sales"); !isError(err, qslocal.CodeResourceNotFound, qslocal.ResourceNamespace) {
		t.Errorf("DescribeNamespace: %v", err)
	}
	if _, err := instant.CreateNamespace(ctx, createNamespaceIn("sales")); err != nil {
		t.Errorf("CreateNamespace: %v", err)
	}
}

func analysisStatuses(t *testing.T, svc *qslocal.Service, id string) []api.ResourceStatus {
	t.Helper()
	ctx := context.Background()
	d, err := svc.DescribeAnalysis(ctx, &api.DescribeAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s(id)})
	if err != nil {
		t.Fatal(err)
	}
	def, err := svc.DescribeAnalysisDefinition(ctx, &api.DescribeAnalysisDefinitionRequest{AwsAccountId: s(acct), AnalysisId: s(id)})
	if err != nil {
		t.Fatal(err)
	}
	l, err := svc.ListAnalyses(ctx, &api.ListAnalysesRequest{AwsAccountId: s(acct)})
	if err != nil || len(l.AnalysisSummaryList) != 1 {
		t.Fatalf("ListAnalyses: %v, %v", l, err)
	}
	sr, err := svc.SearchAnalyses(ctx, &api.SearchAnalysesRequest{AwsAccountId: s(acct), Filters: []api.AnalysisSearchFilter{{
		Name: (*api.AnalysisFilterAttribute)(s("ANALYSIS_NAME")), Operator: (*api.FilterOperator)(s("StringEquals")), Value: s("n")}}})
	if err != nil || len(sr.AnalysisSummaryList) != 1 {
		t.Fatalf("SearchAnalyses: %v, %v", sr, err)
	}
	return []api.ResourceStatus{*d.Analysis.Status, *def.ResourceStatus, *l.AnalysisSummaryList[0].Status, *sr.AnalysisSummaryList[0].Status}
}

func allAre(got []api.ResourceStatus, want api.ResourceStatus) bool {
	for _, st := range got {
		if st != want {
			return false
		}
	}
	return true
}

// Analyses (an Async kind) are CREATION_IN_PROGRESS and UPDATE_IN_PROGRESS
// for the delay after CreateAnalysis and UpdateAnalysis, in every answer
// that shows a status.
func TestAnalysisInProgressThenSuccessful(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, _ := newAsyncService(t, clock, asyncDelay)
	out, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("x"), Name: s("n"), Definition: &api.AnalysisDefinition{}})
	if err != nil || *out.CreationStatus != api.ResourceStatusCreationInProgress {
		t.Fatalf("CreateAnalysis = %v, %v; want CREATION_IN_PROGRESS", out, err)
	}
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusCreationInProgress) {
		t.Errorf("while being created: %v", got)
	}
	clock.add(asyncDelay)
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusCreationSuccessful) {
		t.Errorf("once created: %v", got)
	}
	up, err := svc.UpdateAnalysis(ctx, &api.UpdateAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s("x"), Name: s("n"), Definition: &api.AnalysisDefinition{}})
	if err != nil || *up.UpdateStatus != api.ResourceStatusUpdateInProgress {
		t.Fatalf("UpdateAnalysis = %v, %v; want UPDATE_IN_PROGRESS", up, err)
	}
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusUpdateInProgress) {
		t.Errorf("while being updated: %v", got)
	}
	clock.add(asyncDelay - time.Microsecond)
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusUpdateInProgress) {
		t.Errorf("just before the delay has passed: %v", got)
	}
	clock.add(time.Microsecond)
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusUpdateSuccessful) {
		t.Errorf("once updated: %v", got)
	}
	// The stored status is the finished one: an export says so.
	snap, err := svc.Export(ctx, acct)
	if err != nil || len(snap.Accounts[0].Assets) != 1 || snap.Accounts[0].Assets[0].Status != string(api.ResourceStatusUpdateSuccessful) {
		t.Errorf("Export: %+v, %v", snap, err)
	}
}

// A snapshot describes finished work: what it loads without times of its
// own is ready at once.
func TestImportIsReadyAtOnce(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, _ := newAsyncService(t, clock, asyncDelay)
	err := svc.Import(ctx, &qslocal.Snapshot{Accounts: []qslocal.SnapshotAccount{{
		AwsAccountId: acct,
		Namespaces:   []qslocal.SnapshotNamespace{{Name: "default"}, {Name: "sales"}},
		Assets:       []qslocal.SnapshotAsset{{Kind: "analysis", Id: "x", Name: "n"}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := describeNamespace(svc, "sales"); err != nil || st != api.NamespaceStatusCreated {
		t.Errorf("DescribeNamespace: %s, %v", st, err)
	}
	if _, err := svc.RegisterUser(ctx, registerUserIn("sales", "bob")); err != nil {
		t.Errorf("RegisterUser: %v", err)
	}
	if got := analysisStatuses(t, svc, "x"); !allAre(got, api.ResourceStatusCreationSuccessful) {
		t.Errorf("analysis: %v", got)
	}
}

// A namespace being deleted keeps its place under the limit of 100 until
// its deletion has finished.
func TestDeletedNamespaceFreesItsPlace(t *testing.T) {
	ctx := context.Background()
	clock := newAsyncClock()
	svc, _ := newAsyncService(t, clock, asyncDelay)
	for i := range 99 { // and default
		if _, err := svc.CreateNamespace(ctx, createNamespaceIn(fmt.Sprintf("ns%02d", i))); err != nil {
			t.Fatal(err)
		}
	}
	clock.add(asyncDelay)
	if _, err := svc.DeleteNamespace(ctx, &api.DeleteNamespaceRequest{AwsAccountId: s(acct), Namespace: s("ns42")}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("more")); !isError(err, qslocal.CodeLimitExceeded, qslocal.ResourceNamespace) {
		t.Errorf("CreateNamespace while one is DELETING: %v; want LimitExceededException", err)
	}
	clock.add(asyncDelay)
	if _, err := svc.CreateNamespace(ctx, createNamespaceIn("more")); err != nil {
		t.Errorf("CreateNamespace once the deletion has finished: %v", err)
	}
}
