package e2e

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/quicksight"
	"github.com/aws/aws-sdk-go-v2/service/quicksight/types"
)

// TestRestartKeepsAnalysesAndRequests stops a server and starts another on
// the same database: analyses with their grants, tags and deletion times,
// self-upgrade requests, and listing tokens all carry over.
func TestRestartKeepsAnalysesAndRequests(t *testing.T) {
	t.Parallel()
	db := freshDB(t)
	s := start(t, db)
	c := s.client("us-east-1")
	acct := aws.String(account)
	mkUser(t, c, "default", "alice")
	mkUser(t, c, "default", "bob")
	mkGroup(t, c, "default", "team", "")
	alice, team := principal("user", "default/alice"), principal("group", "default/team")
	viewer := []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"}
	arn := func(id string) string { return "arn:aws:quicksight:us-east-1:" + account + ":analysis/" + id }

	mkAnalysis(t, c, "a1", perm(alice, ownerActions...), perm(team, viewer...))
	mkAnalysis(t, c, "a2", perm(team, ownerActions...))
	mkAnalysis(t, c, "a3", perm(alice, viewer...))
	if err := tagResource(c, t, arn("a1"), tag("team", "finance"), tag("Env", "prod")); err != nil {
		t.Fatal(err)
	}
	if err := tagResource(c, t, arn("a2"), tag("state", "deleted")); err != nil {
		t.Fatal(err)
	}
	del, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a2"), RecoveryWindowInDays: aws.Int64(7)})
	if err != nil || del.DeletionTime == nil {
		t.Fatalf("DeleteAnalysis: %s, %v", deletionTime(del), err)
	}
	requestID := mustFile(t, s, "bob", "AUTHOR")
	first, err := c.ListAnalyses(ctx(t), &quicksight.ListAnalysesInput{AwsAccountId: acct, MaxResults: aws.Int32(1)})
	if err != nil || len(first.AnalysisSummaryList) != 1 || aws.ToString(first.AnalysisSummaryList[0].AnalysisId) != "a1" || first.NextToken == nil {
		t.Fatalf("first page of ListAnalyses: %+v, %v", first, err)
	}

	wantPerms := map[string]string{}
	for _, id := range []string{"a1", "a2", "a3"} {
		wantPerms[id] = analysisPerms(t, c, id)
	}
	before := describeAnalysis(t, c, "a2")

	s.stop(t)
	if t.Failed() {
		t.FailNow()
	}
	s = start(t, db)
	c = s.client("us-east-1")

	for _, id := range []string{"a1", "a2", "a3"} {
		if got := analysisPerms(t, c, id); got != wantPerms[id] || got == "" {
			t.Errorf("permissions of %s after restart:\n got %s\nwant %s", id, got, wantPerms[id])
		}
	}
	if got := tagsOf(t, c, arn("a1")); got != "Env=prod team=finance" {
		t.Errorf("tags of a1 after restart = %s", got)
	}
	if got := tagsOf(t, c, arn("a2")); got != "state=deleted" {
		t.Errorf("tags of the deleted a2 after restart = %s", got)
	}
	a := describeAnalysis(t, c, "a2")
	if a.Status != types.ResourceStatusDeleted || aws.ToString(a.Name) != aws.ToString(before.Name) ||
		a.CreatedTime == nil || !a.CreatedTime.Equal(*before.CreatedTime) {
		t.Errorf("a2 after restart: %+v", a)
	}
	// DeleteAnalysis of a deleted analysis answers its DeletionTime: the
	// one it was given before the restart.
	again, err := c.DeleteAnalysis(ctx(t), &quicksight.DeleteAnalysisInput{AwsAccountId: acct, AnalysisId: aws.String("a2"), RecoveryWindowInDays: aws.Int64(30)})
	if err != nil || again.DeletionTime == nil || !again.DeletionTime.Equal(*del.DeletionTime) {
		t.Errorf("DeleteAnalysis again after restart: %s, %v; want DeletionTime %v", deletionTime(again), err, *del.DeletionTime)
	}
	if a := describeAnalysis(t, c, "a1"); a.Status != types.ResourceStatusCreationSuccessful {
		t.Errorf("a1 after restart has status %s", a.Status)
	}

	ups, err := c.ListSelfUpgrades(ctx(t), &quicksight.ListSelfUpgradesInput{AwsAccountId: acct, Namespace: aws.String("default")})
	if err != nil || len(ups.SelfUpgradeRequestDetails) != 1 {
		t.Fatalf("ListSelfUpgrades after restart: %+v, %v", ups, err)
	}
	if r := ups.SelfUpgradeRequestDetails[0]; aws.ToString(r.UpgradeRequestId) != requestID || aws.ToString(r.UserName) != "bob" ||
		r.RequestStatus != types.SelfUpgradeRequestStatusPending || r.RequestedRole != types.UserRoleAuthor || r.OriginalRole != types.UserRoleReader {
		t.Errorf("the pending request after restart: %+v", r)
	}
	// It can still be decided.
	if d, err := decide(c, t, requestID, types.SelfUpgradeAdminActionApprove); err != nil || d.RequestStatus != types.SelfUpgradeRequestStatusApproved {
		t.Errorf("approving the request after restart: %+v, %v", d, err)
	}

	// The first process's token continues the listing on the second.
	ids := []string{"a1"}
	for next := first.NextToken; next != nil; {
		page, err := c.ListAnalyses(ctx(t), &quicksight.ListAnalysesInput{AwsAccountId: acct, MaxResults: aws.Int32(1), NextToken: next})
		if err != nil {
			t.Fatalf("ListAnalyses with the old process's token: %v", err)
		}
		for _, a := range page.AnalysisSummaryList {
			ids = append(ids, aws.ToString(a.AnalysisId)+"/"+string(a.Status))
		}
		next = page.NextToken
	}
	if want := []string{"a1", "a2/DELETED", "a3/CREATION_SUCCESSFUL"}; !slices.Equal(ids, want) {
		t.Errorf("ListAnalyses across the restart = %q, want %q", ids, want)
	}
}
