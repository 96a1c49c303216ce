package e2e

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// testAsyncDelay is the --async-delay of the servers below.
const testAsyncDelay = 300 * time.Millisecond

// within reports whether an answer received now still falls within the
// delay of work the server started no earlier than began (the test's
// clock before it sent the request): then the server must still show the
// work running. On a slow machine it may not, and the check is left out.
func within(t *testing.T, began time.Time, what string) bool {
	t.Helper()
	if time.Since(began) < testAsyncDelay {
		return true
	}
	t.Logf("%s: the delay passed before the answer came; not checked", what)
	return false
}

// poll calls status until it answers want, or fails after 10 seconds.
func poll[S comparable](t *testing.T, what string, want S, status func() (S, error)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := status()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v, want %v", what, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func namespaceStatus(t *testing.T, c *quicksight.Client, name string) (types.NamespaceStatus, error) {
	d, err := c.DescribeNamespace(ctx(t), &quicksight.DescribeNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String(name)})
	if err != nil {
		return "", err
	}
	return d.Namespace.CreationStatus, nil
}

func registerReader(t *testing.T, c *quicksight.Client, ns, name string) error {
	_, err := c.RegisterUser(ctx(t), &quicksight.RegisterUserInput{
		AwsAccountId: aws.String(account), Namespace: aws.String(ns),
		IdentityType: types.IdentityTypeQuicksight, Email: aws.String("u@example.com"),
		UserRole: types.UserRoleReader, UserName: aws.String(name),
	})
	return err
}

// With --async-delay, a namespace is CREATING, then CREATED, and can take
// users only then; deleted, it is DELETING, then gone. Another process on
// the same database sees the same states.
func TestAsyncNamespace(t *testing.T) {
	t.Parallel()
	s := start(t, "", "--async-delay", testAsyncDelay.String())
	c := s.client("us-east-1")
	var other *quicksight.Client // another process on the database, where it can have one
	if os.Getenv("QSLOCAL_E2E_STORE") == "postgres" {
		other = start(t, s.DB, "--async-delay", testAsyncDelay.String()).client("us-east-1")
	}

	began := time.Now()
	out := mkNamespace(t, c, "tenant")
	if out.CreationStatus != types.NamespaceStatusCreating {
		t.Errorf("CreateNamespace answered %s, want CREATING", out.CreationStatus)
	}
	err := registerReader(t, c, "tenant", "alice")
	if within(t, began, "RegisterUser before the namespace is ready") {
		var e *types.PreconditionNotMetException
		if !errors.As(err, &e) {
			t.Errorf("RegisterUser into a CREATING namespace: %v; want PreconditionNotMetException", err)
		}
	}
	_, err = c.CreateGroup(ctx(t), &quicksight.CreateGroupInput{AwsAccountId: aws.String(account), Namespace: aws.String("tenant"), GroupName: aws.String("g")})
	if within(t, began, "CreateGroup before the namespace is ready") {
		var e *types.PreconditionNotMetException
		if !errors.As(err, &e) {
			t.Errorf("CreateGroup into a CREATING namespace: %v; want PreconditionNotMetException", err)
		}
	}
	st, err := namespaceStatus(t, c, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	if within(t, began, "DescribeNamespace") && st != types.NamespaceStatusCreating {
		t.Errorf("DescribeNamespace: %s, want CREATING", st)
	}
	if other != nil {
		st, err := namespaceStatus(t, other, "tenant")
		if err != nil || within(t, began, "DescribeNamespace on another process") && st != types.NamespaceStatusCreating {
			t.Errorf("DescribeNamespace on another process: %s, %v; want CREATING", st, err)
		}
	}

	poll(t, "DescribeNamespace", types.NamespaceStatusCreated, func() (types.NamespaceStatus, error) { return namespaceStatus(t, c, "tenant") })
	if err := registerReader(t, c, "tenant", "alice"); err != nil {
		t.Fatalf("RegisterUser once CREATED: %v", err)
	}

	began = time.Now()
	if _, err := c.DeleteNamespace(ctx(t), &quicksight.DeleteNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("tenant")}); err != nil {
		t.Fatal(err)
	}
	st, err = namespaceStatus(t, c, "tenant")
	if within(t, began, "DescribeNamespace after DeleteNamespace") && (err != nil || st != types.NamespaceStatusDeleting) {
		t.Errorf("DescribeNamespace after DeleteNamespace: %s, %v; want DELETING", st, err)
	}
	list, err := c.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: aws.String(account)})
	if err != nil {
		t.Fatal(err)
	}
	if within(t, began, "ListNamespaces after DeleteNamespace") &&
		(len(list.Namespaces) != 2 || aws.ToString(list.Namespaces[1].Name) != "tenant" || list.Namespaces[1].CreationStatus != types.NamespaceStatusDeleting) {
		t.Errorf("ListNamespaces after DeleteNamespace: %+v", list.Namespaces)
	}
	// To everything else the namespace is gone at once.
	_, err = c.ListUsers(ctx(t), &quicksight.ListUsersInput{AwsAccountId: aws.String(account), Namespace: aws.String("tenant")})
	checkErr(t, "ListUsers after DeleteNamespace", err, expectNotFound(types.ExceptionResourceTypeNamespace, "tenant"))
	_, err = c.CreateNamespace(ctx(t), &quicksight.CreateNamespaceInput{AwsAccountId: aws.String(account), Namespace: aws.String("tenant"), IdentityStore: types.IdentityStoreQuicksight})
	if within(t, began, "CreateNamespace while DELETING") {
		checkErr(t, "CreateNamespace while DELETING", err, expectConflict("tenant"))
	}
	poll(t, "DescribeNamespace after DeleteNamespace", true, func() (bool, error) {
		_, err := namespaceStatus(t, c, "tenant")
		var e *types.ResourceNotFoundException
		if errors.As(err, &e) {
			return true, nil
		}
		return false, err
	})
	list, err = c.ListNamespaces(ctx(t), &quicksight.ListNamespacesInput{AwsAccountId: aws.String(account)})
	if err != nil || len(list.Namespaces) != 1 {
		t.Errorf("ListNamespaces once deleted: %v, %v", list, err)
	}
}

// With --async-delay, an analysis is CREATION_IN_PROGRESS, then
// CREATION_SUCCESSFUL; updated, UPDATE_IN_PROGRESS, then UPDATE_SUCCESSFUL.
func TestAsyncAnalysis(t *testing.T) {
	t.Parallel()
	c := start(t, "", "--async-delay", testAsyncDelay.String()).client("us-east-1")
	status := func() (types.ResourceStatus, error) {
		d, err := c.DescribeAnalysis(ctx(t), &quicksight.DescribeAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("a1")})
		if err != nil {
			return "", err
		}
		return d.Analysis.Status, nil
	}

	began := time.Now()
	if out := mkAnalysis(t, c, "a1"); out.CreationStatus != types.ResourceStatusCreationInProgress {
		t.Errorf("CreateAnalysis answered %s, want CREATION_IN_PROGRESS", out.CreationStatus)
	}
	l, err := c.ListAnalyses(ctx(t), &quicksight.ListAnalysesInput{AwsAccountId: aws.String(account)})
	if err != nil || len(l.AnalysisSummaryList) != 1 {
		t.Fatalf("ListAnalyses: %v, %v", l, err)
	}
	if within(t, began, "ListAnalyses") && l.AnalysisSummaryList[0].Status != types.ResourceStatusCreationInProgress {
		t.Errorf("ListAnalyses: %s, want CREATION_IN_PROGRESS", l.AnalysisSummaryList[0].Status)
	}
	poll(t, "DescribeAnalysis", types.ResourceStatusCreationSuccessful, status)

	up, err := c.UpdateAnalysis(ctx(t), &quicksight.UpdateAnalysisInput{AwsAccountId: aws.String(account), AnalysisId: aws.String("a1"),
		Name: aws.String("renamed"), Definition: definition("sheet-2")})
	if err != nil || up.UpdateStatus != types.ResourceStatusUpdateInProgress {
		t.Fatalf("UpdateAnalysis = %v, %v; want UPDATE_IN_PROGRESS", up, err)
	}
	poll(t, "DescribeAnalysis after UpdateAnalysis", types.ResourceStatusUpdateSuccessful, status)
}
