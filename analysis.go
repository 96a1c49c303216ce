package qslocal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Analyses are assets of analysisKind, kept as sent once the data sets
// and template they name are found: CREATION_IN_PROGRESS or
// UPDATE_IN_PROGRESS for the service's async delay (the kind is Async, see
// async.go), then CREATION_SUCCESSFUL or UPDATE_SUCCESSFUL. A deleted
// analysis waits out its recovery window with Status DELETED and can be
// restored; once the window has passed it is gone, and its id is free
// again.

// defaultRecoveryWindow is AWS's documented default for DeleteAnalysis.
const defaultRecoveryWindow = 30 * 24 * time.Hour

// AnalysisARN is the ARN of an analysis: ...:analysis/{id}.
func AnalysisARN(region, account, id string) string {
	return analysisKind.ref(account, id).ARN(region)
}

// analysisDoc is an analysis's asset document: what CreateAnalysis and
// UpdateAnalysis were given, exactly one of SourceEntity and Definition.
type analysisDoc struct {
	ThemeArn     string                    `json:",omitempty"`
	Definition   *api.AnalysisDefinition   `json:",omitempty"`
	SourceEntity *api.AnalysisSourceEntity `json:",omitempty"`
	Parameters   *api.Parameters           `json:",omitempty"`
}

// analysisContent checks and encodes what CreateAnalysis and
// UpdateAnalysis store: exactly one of SourceEntity and Definition, as AWS
// documents.
func analysisContent(theme *string, source *api.AnalysisSourceEntity, def *api.AnalysisDefinition, params *api.Parameters) ([]byte, error) {
	if (source == nil) == (def == nil) {
		return nil, invalidParameter("Exactly one of SourceEntity and Definition must be given.")
	}
	b, err := json.Marshal(analysisDoc{ThemeArn: str(theme), Definition: def, SourceEntity: source, Parameters: params})
	if err != nil {
		return nil, fmt.Errorf("encoding an analysis: %w", err)
	}
	return b, nil
}

// analysisDataSets lists the data sets a create or update names, with the
// members naming them.
func analysisDataSets(source *api.AnalysisSourceEntity, def *api.AnalysisDefinition) []dataSetRef {
	var refs []dataSetRef
	if def != nil {
		for i, d := range def.DataSetIdentifierDeclarations {
			refs = append(refs, dataSetRef{fmt.Sprintf("Definition.DataSetIdentifierDeclarations[%d].DataSetArn", i), str(d.DataSetArn)})
		}
	}
	if source != nil && source.SourceTemplate != nil {
		for i, d := range source.SourceTemplate.DataSetReferences {
			refs = append(refs, dataSetRef{fmt.Sprintf("SourceEntity.SourceTemplate.DataSetReferences[%d].DataSetArn", i), str(d.DataSetArn)})
		}
	}
	return refs
}

// analysisDocOf decodes an analysis's document.
func analysisDocOf(a Asset) (analysisDoc, error) {
	var d analysisDoc
	if a.Doc == nil {
		return d, nil
	}
	if err := json.Unmarshal(a.Doc, &d); err != nil {
		return d, fmt.Errorf("analysis %s: %w", a.ID, err)
	}
	return d, nil
}

// analysisStatus is the status of an analysis as readers see it (a from
// readAsset or listAssets): DELETED while it waits out its recovery window.
func analysisStatus(a Asset) api.ResourceStatus {
	if a.deleted() {
		return api.ResourceStatusDeleted
	}
	return api.ResourceStatus(a.Status)
}

// CreateAnalysis creates an analysis with its permissions and tags.
func (s *Service) CreateAnalysis(ctx context.Context, in *api.CreateAnalysisRequest) (*api.CreateAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	doc, err := analysisContent(in.ThemeArn, in.SourceEntity, in.Definition, in.Parameters)
	if err != nil {
		return nil, err
	}
	perms, err := analysisKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	fresh := Asset{Account: account, Kind: analysisKind.Type, ID: id, Name: *in.Name,
		Status: string(api.ResourceStatusCreationSuccessful), CreatedAt: now, UpdatedAt: now, Doc: doc}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) (err error) {
		a = fresh // a transaction run again starts from the request
		if a.Doc, err = fromTemplate(ctx, tx, account, a.Doc, now); err != nil {
			return err
		}
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		// Checked after createAsset, so a taken id is reported first.
		if err := checkDataSets(ctx, tx, account, analysisDataSets(in.SourceEntity, in.Definition), now); err != nil {
			return err
		}
		return addToFolders(ctx, tx, analysisKind.ref(account, id), api.MemberTypeAnalysis, "FolderArns", in.FolderArns, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateAnalysisResponse{
		Arn:            ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:     ptr(id),
		CreationStatus: ptr(api.ResourceStatus(s.assetStatus(a, now))),
	}, nil
}

// UpdateAnalysis replaces an analysis's name, content and theme.
func (s *Service) UpdateAnalysis(ctx context.Context, in *api.UpdateAnalysisRequest) (*api.UpdateAnalysisResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.AnalysisId
	doc, err := analysisContent(in.ThemeArn, in.SourceEntity, in.Definition, in.Parameters)
	if err != nil {
		return nil, err
	}
	var a Asset
	err = s.update(ctx, account, func(tx Tx) (err error) {
		a, err = liveAsset(ctx, tx, analysisKind.ref(account, id), now)
		if err != nil {
			return err
		}
		if a.Doc, err = fromTemplate(ctx, tx, account, doc, now); err != nil {
			return err
		}
		if err := checkDataSets(ctx, tx, account, analysisDataSets(in.SourceEntity, in.Definition), now); err != nil {
			return err
		}
		a.Name = *in.Name
		a.Status, a.UpdatedAt = string(api.ResourceStatusUpdateSuccessful), now
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateAnalysisResponse{
		Arn:          ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:   ptr(id),
		UpdateStatus: ptr(api.ResourceStatus(s.assetStatus(a, now))),
	}, nil
}

// DescribeAnalysis describes an analysis, deleted ones included.
func (s *Service) DescribeAnalysis(ctx context.Context, in *api.DescribeAnalysisRequest) (*api.DescribeAnalysisResponse, error) {
	a, err := s.readAsset(ctx, analysisKind.ref(*in.AwsAccountId, *in.AnalysisId))
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
// created or last updated with; one made from a template has the
// template's (template.go).
func (s *Service) DescribeAnalysisDefinition(ctx context.Context, in *api.DescribeAnalysisDefinitionRequest) (*api.DescribeAnalysisDefinitionResponse, error) {
	a, err := s.readAsset(ctx, analysisKind.ref(*in.AwsAccountId, *in.AnalysisId))
	if err != nil {
		return nil, err
	}
	d, err := analysisDocOf(a)
	if err != nil {
		return nil, err
	}
	return &api.DescribeAnalysisDefinitionResponse{
		AnalysisId:     ptr(a.ID),
		Name:           ptr(a.Name),
		ResourceStatus: ptr(analysisStatus(a)),
		ThemeArn:       optional(d.ThemeArn),
		Definition:     d.Definition,
	}, nil
}

// analysisOut describes an analysis. Its dataset ARNs and sheets come from
// its definition or template reference.
func (s *Service) analysisOut(ctx context.Context, a Asset) (*api.Analysis, error) {
	d, err := analysisDocOf(a)
	if err != nil {
		return nil, err
	}
	out := &api.Analysis{
		AnalysisId:      ptr(a.ID),
		Arn:             ptr(AnalysisARN(s.regionOf(ctx), a.Account, a.ID)),
		Name:            ptr(a.Name),
		Status:          ptr(analysisStatus(a)),
		ThemeArn:        optional(d.ThemeArn),
		CreatedTime:     shape.NewTime(a.CreatedAt),
		LastUpdatedTime: shape.NewTime(a.UpdatedAt),
	}
	if d.Definition != nil {
		for _, ds := range d.Definition.DataSetIdentifierDeclarations {
			out.DataSetArns = append(out.DataSetArns, str(ds.DataSetArn))
		}
		for _, sh := range d.Definition.Sheets {
			out.Sheets = append(out.Sheets, api.Sheet{SheetId: sh.SheetId, Name: sh.Name})
		}
	}
	if d.Definition == nil && d.SourceEntity != nil && d.SourceEntity.SourceTemplate != nil {
		for _, ds := range d.SourceEntity.SourceTemplate.DataSetReferences {
			out.DataSetArns = append(out.DataSetArns, str(ds.DataSetArn))
		}
	}
	return out, nil
}

// DeleteAnalysis deletes an analysis after a recovery window (30 days
// unless RecoveryWindowInDays says otherwise), or at once with
// ForceDeleteWithoutRecovery. Deleting one already waiting out its window
// changes nothing and answers its DeletionTime, unless forced.
func (s *Service) DeleteAnalysis(ctx context.Context, in *api.DeleteAnalysisRequest) (*api.DeleteAnalysisResponse, error) {
	account, id := *in.AwsAccountId, *in.AnalysisId
	force := in.ForceDeleteWithoutRecovery != nil && *in.ForceDeleteWithoutRecovery
	if force && in.RecoveryWindowInDays != nil {
		return nil, invalidParameter("RecoveryWindowInDays cannot be combined with ForceDeleteWithoutRecovery.")
	}
	window := defaultRecoveryWindow
	switch {
	case force:
		window = 0
	case in.RecoveryWindowInDays != nil:
		window = time.Duration(*in.RecoveryWindowInDays) * 24 * time.Hour
	}
	when, err := s.deleteAsset(ctx, analysisKind.ref(account, id), window)
	if err != nil {
		return nil, err
	}
	return &api.DeleteAnalysisResponse{
		Arn:          ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		AnalysisId:   ptr(id),
		DeletionTime: shape.NewTime(when),
	}, nil
}

// RestoreAnalysis brings back an analysis waiting out its recovery window:
// with RestoreToFolders into the folders it was in, answering those
// deleted meanwhile as RestorationFailedFolderArns; without, into none.
func (s *Service) RestoreAnalysis(ctx context.Context, in *api.RestoreAnalysisRequest) (*api.RestoreAnalysisResponse, error) {
	account, id := *in.AwsAccountId, *in.AnalysisId
	failed, err := s.restoreAsset(ctx, analysisKind.ref(account, id), in.RestoreToFolders != nil && *in.RestoreToFolders)
	if err != nil {
		return nil, err
	}
	out := &api.RestoreAnalysisResponse{Arn: ptr(AnalysisARN(s.regionOf(ctx), account, id)), AnalysisId: ptr(id)}
	for _, f := range failed {
		out.RestorationFailedFolderArns = append(out.RestorationFailedFolderArns, FolderARN(s.regionOf(ctx), account, f))
	}
	return out, nil
}

// ListAnalyses lists an account's analyses in id order, deleted ones
// included (Status DELETED) until their recovery window has passed.
func (s *Service) ListAnalyses(ctx context.Context, in *api.ListAnalysesRequest) (*api.ListAnalysesResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "analyses", scope: account}
	rows, next, err := s.listAssets(ctx, analysisKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	return &api.ListAnalysesResponse{AnalysisSummaryList: s.analysisSummaries(ctx, rows), NextToken: next}, nil
}

// analysisTexts are SearchAnalyses's text filters.
var analysisTexts = map[string]func(Asset) string{string(api.AnalysisFilterAttributeAnalysisName): assetName}

// readAnalysisSearch reads the one filter the model allows. The scope
// binds NextToken to the filter.
func readAnalysisSearch(account string, f api.AnalysisSearchFilter) (filter assetFilter, scope string, err error) {
	if f.Name == nil || f.Operator == nil || f.Value == nil {
		return filter, "", invalidParameter("Filters[0]: Name, Operator and Value are all required.")
	}
	name, op, value := string(*f.Name), string(*f.Operator), *f.Value
	filter, err = searchFilter(account, "Filters[0]", name, op, value, analysisTexts)
	return filter, account + "/" + name + "/" + op + "/" + value, err
}

// SearchAnalyses finds live analyses by name, or by who holds permissions
// on them, in id order, a page at a time.
func (s *Service) SearchAnalyses(ctx context.Context, in *api.SearchAnalysesRequest) (*api.SearchAnalysesResponse, error) {
	account := *in.AwsAccountId
	filter, scope, err := readAnalysisSearch(account, in.Filters[0])
	if err != nil {
		return nil, err
	}
	l := listing{account: account, kind: "searchanalyses", scope: scope}
	rows, next, err := s.searchAssets(ctx, analysisKind, l, in.NextToken, in.MaxResults, []assetFilter{filter})
	if err != nil {
		return nil, err
	}
	return &api.SearchAnalysesResponse{AnalysisSummaryList: s.analysisSummaries(ctx, rows), NextToken: next}, nil
}

func (s *Service) analysisSummaries(ctx context.Context, rows []Asset) []api.AnalysisSummary {
	out := make([]api.AnalysisSummary, len(rows))
	for i, a := range rows {
		out[i] = api.AnalysisSummary{
			Arn:             ptr(AnalysisARN(s.regionOf(ctx), a.Account, a.ID)),
			AnalysisId:      ptr(a.ID),
			Name:            ptr(a.Name),
			Status:          ptr(analysisStatus(a)),
			CreatedTime:     shape.NewTime(a.CreatedAt),
			LastUpdatedTime: shape.NewTime(a.UpdatedAt),
		}
	}
	return out
}

// DescribeAnalysisPermissions lists who may do what with an analysis.
func (s *Service) DescribeAnalysisPermissions(ctx context.Context, in *api.DescribeAnalysisPermissionsRequest) (*api.DescribeAnalysisPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.AnalysisId
	grants, err := s.assetGrants(ctx, analysisKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.DescribeAnalysisPermissionsResponse{
		AnalysisId:  ptr(id),
		AnalysisArn: ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants),
	}, nil
}

// UpdateAnalysisPermissions grants and revokes permissions on an analysis
// in one transaction, and answers the whole resulting set.
func (s *Service) UpdateAnalysisPermissions(ctx context.Context, in *api.UpdateAnalysisPermissionsRequest) (*api.UpdateAnalysisPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.AnalysisId
	change, err := analysisKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	grants, err := s.updateAssetGrants(ctx, analysisKind.ref(account, id), change)
	if err != nil {
		return nil, err
	}
	return &api.UpdateAnalysisPermissionsResponse{
		AnalysisId:  ptr(id),
		AnalysisArn: ptr(AnalysisARN(s.regionOf(ctx), account, id)),
		Permissions: s.resourcePermissionsOut(ctx, account, grants),
	}, nil
}
