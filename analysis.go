package qslocal

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Analyses are kept as sent: qslocal has no datasets, templates or themes
// to check a definition against, so every create and update succeeds at
// once (CREATION_SUCCESSFUL, UPDATE_SUCCESSFUL). A deleted analysis waits
// out its recovery window with Status DELETED and can be restored; once the
// window has passed it is gone, and its id is free again.

// defaultRecoveryWindow is AWS's documented default for DeleteAnalysis.
const defaultRecoveryWindow = 30 * 24 * time.Hour

// AnalysisARN is the ARN of an analysis: ...:analysis/{id}.
func AnalysisARN(region, account, id string) string {
	return quickSightARN(region, account, analysisKind.resource(id))
}

func analysisNotFound(id, account string) *Error {
	return errorf(CodeResourceNotFound, "", "Analysis %s not found in account %s.", id, account)
}

func analysisExists(id, account string) *Error {
	return errorf(CodeResourceExists, "", "Analysis %s already exists in account %s.", id, account)
}

// deleted reports whether the analysis is waiting out its recovery window.
func (a Analysis) deleted() bool { return !a.DeletionTime.IsZero() }

// expired reports whether the analysis's recovery window has passed.
func (a Analysis) expired(now time.Time) bool { return a.deleted() && !now.Before(a.DeletionTime) }

// lookupAnalysis reads an analysis, live or deleted; one whose recovery
// window has passed is not found.
func lookupAnalysis(ctx context.Context, tx Tx, account, id string, now time.Time) (Analysis, error) {
	a, err := tx.Analysis(ctx, account, id)
	if errors.Is(err, ErrNotFound) || err == nil && a.expired(now) {
		return Analysis{}, analysisNotFound(id, account)
	}
	return a, err
}

// liveAnalysis reads an analysis that is not deleted: changing a deleted
// one is ConflictException until it is restored.
func liveAnalysis(ctx context.Context, tx Tx, account, id string, now time.Time) (Analysis, error) {
	a, err := lookupAnalysis(ctx, tx, account, id, now)
	if err == nil && a.deleted() {
		return a, errorf(CodeConflict, "", "Analysis %s is deleted; restore it with RestoreAnalysis first.", id)
	}
	return a, err
}

// purgeAnalysis removes an analysis with its permissions and tags.
func purgeAnalysis(ctx context.Context, tx Tx, account, id string) error {
	if err := tx.DeleteAnalysis(ctx, account, id); err != nil {
		return err
	}
	if err := tx.ClearPermissions(ctx, account, analysisKind.resource(id)); err != nil {
		return err
	}
	return dropTags(ctx, tx, account, analysisKind.resource(id))
}

// analysisContent is what CreateAnalysis and UpdateAnalysis store: exactly
// one of SourceEntity and Definition, as AWS documents.
func analysisContent(a *Analysis, source *api.AnalysisSourceEntity, def *api.AnalysisDefinition, params *api.Parameters) error {
	if (source == nil) == (def == nil) {
		return invalidParameter("Exactly one of SourceEntity and Definition must be given.")
	}
	var err error
	if a.SourceEntity, err = marshalOptional(source); err != nil {
		return err
	}
	if a.Definition, err = marshalOptional(def); err != nil {
		return err
	}
	a.Parameters, err = marshalOptional(params)
	return err
}

func (a Analysis) status() api.ResourceStatus {
	if a.deleted() {
		return api.ResourceStatusDeleted
	}
	return api.ResourceStatus(a.Status)
}

// CreateAnalysis creates an analysis with its permissions and tags.
func (s *Service) CreateAnalysis(ctx context.Context, in *api.CreateAnalysisRequest) (*api.CreateAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	a := Analysis{Account: account, ID: id, Name: *in.Name, ThemeARN: str(in.ThemeArn),
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now}
	if err := analysisContent(&a, in.SourceEntity, in.Definition, in.Parameters); err != nil {
		return nil, err
	}
	if len(in.FolderArns) > 0 {
		return nil, errorf(CodeResourceNotFound, "", "FolderArns: folder %s not found: qslocal has no folders yet.", in.FolderArns[0])
	}
	perms, err := analysisKind.change(account, in.Permissions, nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, account, func(tx Tx) error {
		old, err := tx.Analysis(ctx, account, id)
		switch {
		case err == nil && old.expired(now):
			if err := purgeAnalysis(ctx, tx, account, id); err != nil {
				return err
			}
		case err == nil:
			return analysisExists(id, account)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if err := tx.CreateAnalysis(ctx, a); err != nil {
			return err
		}
		resource := analysisKind.resource(id)
		// An earlier analysis of this id may have left grants behind.
		if err := tx.ClearPermissions(ctx, account, resource); err != nil {
			return err
		}
		if _, err := perms.apply(ctx, tx, account, resource); err != nil {
			return err
		}
		return replaceTags(ctx, tx, account, resource, tags)
	})
	if errors.Is(err, ErrExists) {
		return nil, analysisExists(id, account)
	}
	if err != nil {
		return nil, err
	}
	return &api.CreateAnalysisResponse{
		Arn:            ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:     ptr(id),
		CreationStatus: ptr(api.ResourceStatusCreationSuccessful),
	}, nil
}

// UpdateAnalysis replaces an analysis's name, content and theme.
func (s *Service) UpdateAnalysis(ctx context.Context, in *api.UpdateAnalysisRequest) (*api.UpdateAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	var content Analysis
	if err := analysisContent(&content, in.SourceEntity, in.Definition, in.Parameters); err != nil {
		return nil, err
	}
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := liveAnalysis(ctx, tx, account, id, now)
		if err != nil {
			return err
		}
		a.Name, a.ThemeARN = *in.Name, str(in.ThemeArn)
		a.SourceEntity, a.Definition, a.Parameters = content.SourceEntity, content.Definition, content.Parameters
		a.Status, a.UpdatedAt = string(api.ResourceStatusUpdateSuccessful), now
		return tx.UpdateAnalysis(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateAnalysisResponse{
		Arn:          ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:   ptr(id),
		UpdateStatus: ptr(api.ResourceStatusUpdateSuccessful),
	}, nil
}

// DescribeAnalysis describes an analysis, deleted ones included.
func (s *Service) DescribeAnalysis(ctx context.Context, in *api.DescribeAnalysisRequest) (*api.DescribeAnalysisResponse, error) {
	a, err := s.readAnalysis(ctx, *in.AwsAccountId, *in.AnalysisId)
	if err != nil {
		return nil, err
	}
	out, err := s.analysisOut(ctx, a)
	if err != nil {
		return nil, err
	}
	return &api.DescribeAnalysisResponse{Analysis: out}, nil
}

// DescribeAnalysisDefinition returns the definition an analysis was
// created or last updated with; one made from a template has none.
func (s *Service) DescribeAnalysisDefinition(ctx context.Context, in *api.DescribeAnalysisDefinitionRequest) (*api.DescribeAnalysisDefinitionResponse, error) {
	a, err := s.readAnalysis(ctx, *in.AwsAccountId, *in.AnalysisId)
	if err != nil {
		return nil, err
	}
	def, err := unmarshalOptional[api.AnalysisDefinition](a.Definition)
	if err != nil {
		return nil, err
	}
	return &api.DescribeAnalysisDefinitionResponse{
		AnalysisId:     ptr(a.ID),
		Name:           ptr(a.Name),
		ResourceStatus: ptr(a.status()),
		ThemeArn:       optional(a.ThemeARN),
		Definition:     def,
	}, nil
}

func (s *Service) readAnalysis(ctx context.Context, account, id string) (a Analysis, err error) {
	now := s.now()
	err = s.view(ctx, account, func(tx Tx) error {
		a, err = lookupAnalysis(ctx, tx, account, id, now)
		return err
	})
	return a, err
}

// analysisOut describes an analysis. Its dataset ARNs and sheets come from
// its definition or template reference.
func (s *Service) analysisOut(ctx context.Context, a Analysis) (*api.Analysis, error) {
	out := &api.Analysis{
		AnalysisId:      ptr(a.ID),
		Arn:             ptr(AnalysisARN(s.regionOf(ctx), a.Account, a.ID)),
		Name:            ptr(a.Name),
		Status:          ptr(a.status()),
		ThemeArn:        optional(a.ThemeARN),
		CreatedTime:     shape.NewTime(a.CreatedAt),
		LastUpdatedTime: shape.NewTime(a.UpdatedAt),
	}
	def, err := unmarshalOptional[api.AnalysisDefinition](a.Definition)
	if err != nil {
		return nil, err
	}
	if def != nil {
		for _, d := range def.DataSetIdentifierDeclarations {
			out.DataSetArns = append(out.DataSetArns, str(d.DataSetArn))
		}
		for _, sh := range def.Sheets {
			out.Sheets = append(out.Sheets, api.Sheet{SheetId: sh.SheetId, Name: sh.Name})
		}
	}
	src, err := unmarshalOptional[api.AnalysisSourceEntity](a.SourceEntity)
	if err != nil {
		return nil, err
	}
	if src != nil && src.SourceTemplate != nil {
		for _, d := range src.SourceTemplate.DataSetReferences {
			out.DataSetArns = append(out.DataSetArns, str(d.DataSetArn))
		}
	}
	return out, nil
}

// DeleteAnalysis deletes an analysis after a recovery window (30 days
// unless RecoveryWindowInDays says otherwise), or at once with
// ForceDeleteWithoutRecovery. Deleting one already waiting out its window
// changes nothing and answers its DeletionTime, unless forced.
func (s *Service) DeleteAnalysis(ctx context.Context, in *api.DeleteAnalysisRequest) (*api.DeleteAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	if force && in.RecoveryWindowInDays != nil {
		return nil, invalidParameter("RecoveryWindowInDays cannot be combined with ForceDeleteWithoutRecovery.")
	}
	window := defaultRecoveryWindow
	if in.RecoveryWindowInDays != nil {
		window = time.Duration(*in.RecoveryWindowInDays) * 24 * time.Hour
	}
	var when time.Time
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := lookupAnalysis(ctx, tx, account, id, now)
		if err != nil {
			return err
		}
		if force {
			when = now
			return purgeAnalysis(ctx, tx, account, id)
		}
		if a.deleted() {
			when = a.DeletionTime
			return nil
		}
		a.DeletionTime = now.Add(window)
		when = a.DeletionTime
		return tx.UpdateAnalysis(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteAnalysisResponse{
		Arn:          ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:   ptr(id),
		DeletionTime: shape.NewTime(when),
	}, nil
}

// RestoreAnalysis brings back an analysis waiting out its recovery window.
// qslocal has no folders, so there are none to restore it to.
func (s *Service) RestoreAnalysis(ctx context.Context, in *api.RestoreAnalysisRequest) (*api.RestoreAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := lookupAnalysis(ctx, tx, account, id, now)
		if err != nil {
			return err
		}
		if !a.deleted() {
			return errorf(CodeConflict, "", "Analysis %s is not deleted.", id)
		}
		a.DeletionTime = time.Time{}
		return tx.UpdateAnalysis(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.RestoreAnalysisResponse{Arn: ptr(AnalysisARN(s.regionOf(ctx), account, id)), AnalysisId: ptr(id)}, nil
}

// ListAnalyses lists an account's analyses in id order, deleted ones
// included (Status DELETED) until their recovery window has passed.
func (s *Service) ListAnalyses(ctx context.Context, in *api.ListAnalysesRequest) (*api.ListAnalysesResponse, error) {
	now := s.now()
	account := *in.AwsAccountId
	l := listing{account: account, kind: "analyses", scope: account}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Analysis, error) {
		return scanAnalyses(ctx, tx, account, after, limit, func(a Analysis) (bool, error) { return !a.expired(now), nil })
	}, func(a Analysis) string { return a.ID })
	if err != nil {
		return nil, err
	}
	return &api.ListAnalysesResponse{AnalysisSummaryList: s.analysisSummaries(ctx, rows), NextToken: next}, nil
}

// analysisSearch is a SearchAnalyses filter, read and checked.
type analysisSearch struct {
	name  string // ANALYSIS_NAME: the name, or the text to look for
	like  bool   // StringLike: the name contains it, in any case
	who   *holder
	scope string // binds NextToken to the filter
}

// readAnalysisSearch checks the one filter the model allows. ANALYSIS_NAME
// takes StringEquals or StringLike; the ownership filters take
// StringEquals and a user or group ARN of the account.
func readAnalysisSearch(account string, f api.AnalysisSearchFilter) (analysisSearch, error) {
	if f.Name == nil || f.Operator == nil || f.Value == nil {
		return analysisSearch{}, invalidParameter("Filters[0]: Name, Operator and Value are all required.")
	}
	name, op, value := *f.Name, *f.Operator, *f.Value
	q := analysisSearch{scope: account + "/" + string(name) + "/" + string(op) + "/" + value}
	if op != api.FilterOperatorStringEquals && op != api.FilterOperatorStringLike {
		return q, invalidParameter("Filters[0].Operator: %q is not StringEquals or StringLike.", op)
	}
	if name == api.AnalysisFilterAttributeAnalysisName {
		q.name, q.like = value, op == api.FilterOperatorStringLike
		return q, nil
	}
	if op != api.FilterOperatorStringEquals {
		return q, invalidParameter("Filters[0].Operator: StringLike applies only to ANALYSIS_NAME; %s takes StringEquals.", name)
	}
	key, err := principalKey(account, "Filters[0].Value", value)
	if err != nil {
		return q, err
	}
	if strings.HasPrefix(key, "namespace/") {
		return q, invalidParameter("Filters[0].Value: %q is a namespace; give a user or group ARN.", value)
	}
	h := holder{key: key, implicit: !strings.HasPrefix(string(name), "DIRECT_")}
	switch name {
	case api.AnalysisFilterAttributeQuicksightOwner, api.AnalysisFilterAttributeDirectQuicksightOwner:
		h.owner = true
	case api.AnalysisFilterAttributeDirectQuicksightSoleOwner:
		h.owner, h.sole = true, true
	}
	q.who = &h
	return q, nil
}

// SearchAnalyses finds live analyses by name, or by who holds permissions
// on them, in id order, a page at a time. It reads every analysis of the
// account and its grants: its cost grows with the account's analyses.
func (s *Service) SearchAnalyses(ctx context.Context, in *api.SearchAnalysesRequest) (*api.SearchAnalysesResponse, error) {
	account := *in.AwsAccountId
	q, err := readAnalysisSearch(account, in.Filters[0])
	if err != nil {
		return nil, err
	}
	l := listing{account: account, kind: "searchanalyses", scope: q.scope}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]Analysis, error) {
		var keys map[string]bool
		if q.who != nil {
			var err error
			if keys, err = q.who.principals(ctx, tx, account); err != nil {
				return nil, err
			}
		}
		return scanAnalyses(ctx, tx, account, after, limit, func(a Analysis) (bool, error) {
			if a.deleted() {
				return false, nil
			}
			return q.matches(ctx, tx, a, keys)
		})
	}, func(a Analysis) string { return a.ID })
	if err != nil {
		return nil, err
	}
	return &api.SearchAnalysesResponse{AnalysisSummaryList: s.analysisSummaries(ctx, rows), NextToken: next}, nil
}

// scanAnalyses reads analyses in id order after `after` until limit of
// them pass keep or the account has no more: rows keep refuses do not
// shorten a page.
func scanAnalyses(ctx context.Context, tx Tx, account, after string, limit int, keep func(Analysis) (bool, error)) ([]Analysis, error) {
	var out []Analysis
	for len(out) < limit {
		page, err := tx.ListAnalyses(ctx, account, after, limit)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for _, a := range page {
			if len(out) == limit {
				break
			}
			ok, err := keep(a)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, a)
			}
		}
		if len(page) < limit {
			break
		}
		after = page[len(page)-1].ID
	}
	return out, nil
}

func (q analysisSearch) matches(ctx context.Context, tx Tx, a Analysis, keys map[string]bool) (bool, error) {
	if q.who == nil {
		if q.like {
			return strings.Contains(strings.ToLower(a.Name), strings.ToLower(q.name)), nil
		}
		return a.Name == q.name, nil
	}
	grants, err := tx.Permissions(ctx, a.Account, analysisKind.resource(a.ID))
	if err != nil {
		return false, err
	}
	return q.who.reaches(analysisKind, grants, keys), nil
}

func (s *Service) analysisSummaries(ctx context.Context, rows []Analysis) []api.AnalysisSummary {
	out := make([]api.AnalysisSummary, len(rows))
	for i, a := range rows {
		out[i] = api.AnalysisSummary{
			Arn:             ptr(AnalysisARN(s.regionOf(ctx), a.Account, a.ID)),
			AnalysisId:      ptr(a.ID),
			Name:            ptr(a.Name),
			Status:          ptr(a.status()),
			CreatedTime:     shape.NewTime(a.CreatedAt),
			LastUpdatedTime: shape.NewTime(a.UpdatedAt),
		}
	}
	return out
}

// DescribeAnalysisPermissions lists who may do what with an analysis.
func (s *Service) DescribeAnalysisPermissions(ctx context.Context, in *api.DescribeAnalysisPermissionsRequest) (*api.DescribeAnalysisPermissionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	var grants []Grant
	err := s.view(ctx, account, func(tx Tx) (err error) {
		if _, err := lookupAnalysis(ctx, tx, account, id, now); err != nil {
			return err
		}
		grants, err = tx.Permissions(ctx, account, analysisKind.resource(id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeAnalysisPermissionsResponse{
		AnalysisId:  ptr(id),
		AnalysisArn: ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		Permissions: s.permissionsOut(ctx, account, grants),
	}, nil
}

// UpdateAnalysisPermissions grants and revokes permissions on an analysis
// in one transaction, and answers the whole resulting set.
func (s *Service) UpdateAnalysisPermissions(ctx context.Context, in *api.UpdateAnalysisPermissionsRequest) (*api.UpdateAnalysisPermissionsResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	change, err := analysisKind.change(account, in.GrantPermissions, in.RevokePermissions)
	if err != nil {
		return nil, err
	}
	var grants []Grant
	err = s.update(ctx, account, func(tx Tx) (err error) {
		if _, err := liveAnalysis(ctx, tx, account, id, now); err != nil {
			return err
		}
		grants, err = change.apply(ctx, tx, account, analysisKind.resource(id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateAnalysisPermissionsResponse{
		AnalysisId:  ptr(id),
		AnalysisArn: ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		Permissions: s.permissionsOut(ctx, account, grants),
	}, nil
}
