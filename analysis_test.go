package qslocal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// An analysis deleted with a recovery window is gone once the window has
// passed: not described, not listed, and its id free for a new analysis
// that inherits none of the old one's grants.
func TestAnalysisRecoveryWindowEnds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	svc := clockedService(t, qslocal.Config{Region: qslocal.DefaultRegion}, &now)
	acct, id := s("111122223333"), s("old")
	if _, err := svc.RegisterUser(ctx, &api.RegisterUserRequest{AwsAccountId: acct, Namespace: s("default"), UserName: s("alice"),
		Email: s("a@example.com"), IdentityType: (*api.IdentityType)(s("QUICKSIGHT")), UserRole: (*api.UserRole)(s("AUTHOR"))}); err != nil {
		t.Fatal(err)
	}
	alice := "arn:aws:quicksight:us-east-1:111122223333:user/default/alice"
	create := func(tags []api.Tag, actions ...string) error {
		_, err := svc.CreateAnalysis(ctx, &api.CreateAnalysisRequest{AwsAccountId: acct, AnalysisId: id, Name: s("n"),
			Definition: &api.AnalysisDefinition{}, Tags: tags,
			Permissions: []api.ResourcePermission{{Principal: &alice, Actions: actions}}})
		return err
	}
	// The first analysis grants alice more than the second will, and is
	// tagged; the second must show neither.
	if err := create([]api.Tag{{Key: s("k"), Value: s("v")}}, "quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"); err != nil {
		t.Fatal(err)
	}
	del, err := svc.DeleteAnalysis(ctx, &api.DeleteAnalysisRequest{AwsAccountId: acct, AnalysisId: id, RecoveryWindowInDays: new(int64(7))})
	if err != nil || !del.DeletionTime.Equal(now.Add(7*24*time.Hour)) {
		t.Fatalf("DeleteAnalysis: %v, %v", del, err)
	}
	now = now.Add(7*24*time.Hour - time.Second)
	if d, err := svc.DescribeAnalysis(ctx, &api.DescribeAnalysisRequest{AwsAccountId: acct, AnalysisId: id}); err != nil || *d.Analysis.Status != api.ResourceStatusDeleted {
		t.Fatalf("a second before the window ends: %v, %v", d, err)
	}
	now = now.Add(time.Second)
	var qe *qslocal.Error
	if _, err := svc.DescribeAnalysis(ctx, &api.DescribeAnalysisRequest{AwsAccountId: acct, AnalysisId: id}); !errors.As(err, &qe) || qe.Code != qslocal.CodeResourceNotFound {
		t.Errorf("DescribeAnalysis once the window has ended: %v", err)
	}
	if _, err := svc.RestoreAnalysis(ctx, &api.RestoreAnalysisRequest{AwsAccountId: acct, AnalysisId: id}); !errors.As(err, &qe) || qe.Code != qslocal.CodeResourceNotFound {
		t.Errorf("RestoreAnalysis once the window has ended: %v", err)
	}
	if l, err := svc.ListAnalyses(ctx, &api.ListAnalysesRequest{AwsAccountId: acct}); err != nil || len(l.AnalysisSummaryList) != 0 {
		t.Errorf("ListAnalyses once the window has ended: %v, %v", l, err)
	}
	// The new analysis gets only its own grant, and no tag.
	if err := create(nil, "quicksight:DescribeAnalysis"); err != nil {
		t.Fatalf("CreateAnalysis over an expired one: %v", err)
	}
	tags, err := svc.ListTagsForResource(ctx, &api.ListTagsForResourceRequest{ResourceArn: s("arn:aws:quicksight:us-east-1:111122223333:analysis/old")})
	if err != nil || len(tags.Tags) != 0 {
		t.Errorf("tags of the new analysis: %v, %v", tags, err)
	}
	if _, err := svc.UpdateAnalysisPermissions(ctx, &api.UpdateAnalysisPermissionsRequest{AwsAccountId: acct, AnalysisId: id,
		RevokePermissions: []api.ResourcePermission{{Principal: &alice, Actions: []string{"quicksight:DescribeAnalysis"}}}}); err != nil {
		t.Fatal(err)
	}
	p, err := svc.DescribeAnalysisPermissions(ctx, &api.DescribeAnalysisPermissionsRequest{AwsAccountId: acct, AnalysisId: id})
	if err != nil || len(p.Permissions) != 0 {
		t.Errorf("permissions of the new analysis after revoking its one grant: %v, %v", p, err)
	}
}
