package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Data sets are assets of dataSetKind. What a client sends is kept and
// answered as sent; the data sources a data set's physical tables read,
// and the data sets and physical tables its logical tables read, must
// exist. qslocal imports nothing: a SPICE data set's create and update
// answer an ingestion's ARN and id, as AWS does, but the ingestion is not
// kept, and ConsumedSpiceCapacityInBytes is 0. The model gives data sets
// no status and DeleteDataSet no recovery window: deletion is immediate.

// DataSetARN is the ARN of a data set: ...:dataset/{id}.
func DataSetARN(region, account, id string) string {
	return dataSetKind.ref(account, id).ARN(region)
}

// dataSetMeta is a data set's asset Meta: what ListDataSets and
// SearchDataSets answer, which read no asset documents.
type dataSetMeta struct {
	ImportMode                 api.DataSetImportMode          `json:",omitempty"`
	RowLevelPermissionDataSet  *api.RowLevelPermissionDataSet `json:",omitempty"`
	RowLevelPermissionTags     bool                           `json:",omitempty"`
	ColumnLevelPermissionRules bool                           `json:",omitempty"`
	UseAs                      api.DataSetUseAs               `json:",omitempty"`
}

// dataSetDoc is a data set's asset document: the rest of what the client
// sent.
type dataSetDoc struct {
	PhysicalTableMap                   map[string]api.PhysicalTable            `json:",omitempty"`
	LogicalTableMap                    map[string]api.LogicalTable             `json:",omitempty"`
	ColumnGroups                       []api.ColumnGroup                       `json:",omitempty"`
	FieldFolders                       map[string]api.FieldFolder              `json:",omitempty"`
	RowLevelPermissionTagConfiguration *api.RowLevelPermissionTagConfiguration `json:",omitempty"`
	ColumnLevelPermissionRules         []api.ColumnLevelPermissionRule         `json:",omitempty"`
	DataSetUsageConfiguration          *api.DataSetUsageConfiguration          `json:",omitempty"`
	DatasetParameters                  []api.DatasetParameter                  `json:",omitempty"`
	PerformanceConfiguration           *api.PerformanceConfiguration           `json:",omitempty"`
	DataPrepConfiguration              *api.DataPrepConfiguration              `json:",omitempty"`
	SemanticModelConfiguration         *api.SemanticModelConfiguration         `json:",omitempty"`
}

// setDataSet stores a create's or update's members in a.
func setDataSet(a *Asset, m dataSetMeta, d dataSetDoc) (err error) {
	m.RowLevelPermissionTags = d.RowLevelPermissionTagConfiguration != nil
	m.ColumnLevelPermissionRules = len(d.ColumnLevelPermissionRules) > 0
	if a.Meta, err = json.Marshal(m); err != nil {
		return fmt.Errorf("encoding a data set: %w", err)
	}
	if a.Doc, err = json.Marshal(d); err != nil {
		return fmt.Errorf("encoding a data set: %w", err)
	}
	return nil
}

func dataSetOf(a Asset) (m dataSetMeta, d dataSetDoc, err error) {
	if a.Meta != nil {
		err = json.Unmarshal(a.Meta, &m)
	}
	if err == nil && a.Doc != nil {
		err = json.Unmarshal(a.Doc, &d)
	}
	if err != nil {
		err = fmt.Errorf("data set %s: %w", a.ID, err)
	}
	return m, d, err
}

// referenced checks within tx that arn, which a request's member field
// holds, names a live asset of kind k in account: a reference to anything
// else is InvalidParameterValueException naming field.
func referenced(ctx context.Context, tx Tx, account, field, arn string, k *Kind, now time.Time) error {
	r, err := parseRef(field, arn)
	if err != nil {
		return err
	}
	if r.Kind != k || r.Account != account {
		return invalidParameter("%s: %q is not the ARN of a %s of account %s.", field, arn, strings.ToLower(k.Noun), account)
	}
	a, err := lookupAsset(ctx, tx, r, now)
	var e *Error
	if err == nil && a.deleted() || errors.As(err, &e) && e.Code == CodeResourceNotFound {
		return invalidParameter("%s: %s %s not found in account %s.", field, strings.ToLower(k.Noun), r.Name, account)
	}
	return err
}

// dataSetRef is a data set ARN a request names, and the member naming it.
type dataSetRef struct{ Field, ARN string }

// checkDataSets checks within tx that every ref names a data set of the
// account: what analyses (and dashboards) read must exist.
func checkDataSets(ctx context.Context, tx Tx, account string, refs []dataSetRef, now time.Time) error {
	for _, r := range refs {
		if err := referenced(ctx, tx, account, r.Field, r.ARN, dataSetKind, now); err != nil {
			return err
		}
	}
	return nil
}

// checkSources checks within tx that every data source and data set the
// tables name is one of the account's, and that every logical table's
// physical table is in the map. Errors name the member at fault.
func checkSources(ctx context.Context, tx Tx, account string, d dataSetDoc, now time.Time) error {
	exists := func(field string, arn *string, k *Kind) error {
		if arn == nil {
			return nil
		}
		return referenced(ctx, tx, account, field, *arn, k, now)
	}
	for _, id := range slices.Sorted(maps.Keys(d.PhysicalTableMap)) {
		p, at := d.PhysicalTableMap[id], "PhysicalTableMap."+id
		var err error
		switch {
		case p.RelationalTable != nil:
			err = exists(at+".RelationalTable.DataSourceArn", p.RelationalTable.DataSourceArn, dataSourceKind)
		case p.CustomSql != nil:
			err = exists(at+".CustomSql.DataSourceArn", p.CustomSql.DataSourceArn, dataSourceKind)
		case p.S3Source != nil:
			err = exists(at+".S3Source.DataSourceArn", p.S3Source.DataSourceArn, dataSourceKind)
		}
		if err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(d.LogicalTableMap)) {
		src, at := d.LogicalTableMap[id].Source, "LogicalTableMap."+id+".Source"
		if src == nil {
			continue
		}
		if err := exists(at+".DataSetArn", src.DataSetArn, dataSetKind); err != nil {
			return err
		}
		if p := src.PhysicalTableId; p != nil {
			if _, ok := d.PhysicalTableMap[*p]; !ok {
				return invalidParameter("%s.PhysicalTableId: %q is not a key of PhysicalTableMap.", at, *p)
			}
		}
	}
	return nil
}

// outputColumns derives a data set's columns, a simplification of what
// AWS describes: each logical table no join reads (in key order) answers
// its source's columns (a physical table's input columns, or both sides
// of a join) after its transforms rename, cast, create and project them;
// without logical tables, every physical table's input columns are the
// data set's. A data set read from another data set contributes none.
func outputColumns(d dataSetDoc) []api.OutputColumn {
	physical := func(id string) []api.OutputColumn {
		p := d.PhysicalTableMap[id]
		var in []api.InputColumn
		switch {
		case p.RelationalTable != nil:
			in = p.RelationalTable.InputColumns
		case p.CustomSql != nil:
			in = p.CustomSql.Columns
		case p.S3Source != nil:
			in = p.S3Source.InputColumns
		case p.SaaSTable != nil:
			in = p.SaaSTable.InputColumns
		}
		out := make([]api.OutputColumn, len(in))
		for i, c := range in {
			out[i] = api.OutputColumn{Name: c.Name, Id: c.Id, Type: columnType(c.Type), SubType: c.SubType}
		}
		return out
	}
	if len(d.LogicalTableMap) == 0 {
		var out []api.OutputColumn
		for _, id := range slices.Sorted(maps.Keys(d.PhysicalTableMap)) {
			out = append(out, physical(id)...)
		}
		return out
	}
	joined := map[string]bool{}
	for _, t := range d.LogicalTableMap {
		if t.Source != nil && t.Source.JoinInstruction != nil {
			joined[str(t.Source.JoinInstruction.LeftOperand)] = true
			joined[str(t.Source.JoinInstruction.RightOperand)] = true
		}
	}
	seen := map[string]bool{} // against cycles
	var logical func(id string) []api.OutputColumn
	logical = func(id string) []api.OutputColumn {
		t, ok := d.LogicalTableMap[id]
		if !ok || seen[id] || t.Source == nil {
			return nil
		}
		seen[id] = true
		var cols []api.OutputColumn
		switch s := t.Source; {
		case s.PhysicalTableId != nil:
			cols = physical(*s.PhysicalTableId)
		case s.JoinInstruction != nil:
			cols = append(logical(str(s.JoinInstruction.LeftOperand)), logical(str(s.JoinInstruction.RightOperand))...)
		}
		for _, op := range t.DataTransforms {
			cols = transform(cols, op)
		}
		return cols
	}
	var out []api.OutputColumn
	for _, id := range slices.Sorted(maps.Keys(d.LogicalTableMap)) {
		if !joined[id] {
			out = append(out, logical(id)...)
		}
	}
	return out
}

// transform applies one of a logical table's transforms to its columns.
func transform(cols []api.OutputColumn, op api.TransformOperation) []api.OutputColumn {
	named := func(name *string) int {
		return slices.IndexFunc(cols, func(c api.OutputColumn) bool { return str(c.Name) == str(name) })
	}
	switch {
	case op.RenameColumnOperation != nil:
		if i := named(op.RenameColumnOperation.ColumnName); i >= 0 {
			cols[i].Name = op.RenameColumnOperation.NewColumnName
		}
	case op.CastColumnTypeOperation != nil:
		if i := named(op.CastColumnTypeOperation.ColumnName); i >= 0 {
			cols[i].Type, cols[i].SubType = op.CastColumnTypeOperation.NewColumnType, op.CastColumnTypeOperation.SubType
		}
	case op.CreateColumnsOperation != nil:
		for _, c := range op.CreateColumnsOperation.Columns {
			cols = append(cols, api.OutputColumn{Name: c.ColumnName, Id: c.ColumnId})
		}
	case op.ProjectOperation != nil:
		var kept []api.OutputColumn
		for _, name := range op.ProjectOperation.ProjectedColumns {
			if i := named(&name); i >= 0 {
				kept = append(kept, cols[i])
			}
		}
		cols = kept
	}
	return cols
}

// columnType maps an input column's type to an output column's, whose
// enum lacks BIT, BOOLEAN, JSON and SEMISTRUCT.
func columnType(t *api.InputColumnDataType) *api.ColumnDataType {
	if t == nil {
		return nil
	}
	switch *t {
	case "BIT", "BOOLEAN":
		return ptr(api.ColumnDataType("INTEGER"))
	case "JSON", "SEMISTRUCT":
		return ptr(api.ColumnDataType("STRING"))
	}
	return ptr(api.ColumnDataType(*t))
}

// ingestion answers the ingestion a SPICE data set's create or update
// starts: its ARN and id. qslocal keeps none.
func (s *Service) ingestion(ctx context.Context, account, id string, mode api.DataSetImportMode) (arn, ingestionID *string) {
	if mode != api.DataSetImportModeSpice {
		return nil, nil
	}
	n := s.newID()
	return ptr(DataSetARN(s.regionOf(ctx), account, id) + "/ingestion/" + n), ptr(n)
}

// CreateDataSet creates a data set with its permissions and tags.
func (s *Service) CreateDataSet(ctx context.Context, in *api.CreateDataSetRequest) (*api.CreateDataSetResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DataSetId
	perms, err := dataSetKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	d := dataSetDoc{in.PhysicalTableMap, in.LogicalTableMap, in.ColumnGroups, in.FieldFolders, in.RowLevelPermissionTagConfiguration,
		in.ColumnLevelPermissionRules, in.DataSetUsageConfiguration, in.DatasetParameters, in.PerformanceConfiguration,
		in.DataPrepConfiguration, in.SemanticModelConfiguration}
	m := dataSetMeta{ImportMode: *in.ImportMode, RowLevelPermissionDataSet: in.RowLevelPermissionDataSet}
	if in.UseAs != nil {
		m.UseAs = *in.UseAs
	}
	a := Asset{Account: account, Kind: dataSetKind.Type, ID: id, Name: *in.Name, CreatedAt: now, UpdatedAt: now}
	if err := setDataSet(&a, m, d); err != nil {
		return nil, err
	}
	err = s.update(ctx, account, func(tx Tx) error {
		if err := checkSources(ctx, tx, account, d, now); err != nil {
			return err
		}
		if err := createAsset(ctx, tx, a, perms, tags, now); err != nil {
			return err
		}
		return addToFolders(ctx, tx, dataSetKind.ref(account, id), api.MemberTypeDataset, "FolderArns", in.FolderArns, now)
	})
	if err != nil {
		return nil, err
	}
	out := &api.CreateDataSetResponse{Arn: ptr(DataSetARN(s.regionOf(ctx), account, id)), DataSetId: ptr(id)}
	out.IngestionArn, out.IngestionId = s.ingestion(ctx, account, id, m.ImportMode)
	return out, nil
}

// UpdateDataSet replaces a data set's members with those given (one left
// out is cleared), except its use (UseAs), which UpdateDataSet cannot
// change.
func (s *Service) UpdateDataSet(ctx context.Context, in *api.UpdateDataSetRequest) (*api.UpdateDataSetResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.DataSetId
	d := dataSetDoc{in.PhysicalTableMap, in.LogicalTableMap, in.ColumnGroups, in.FieldFolders, in.RowLevelPermissionTagConfiguration,
		in.ColumnLevelPermissionRules, in.DataSetUsageConfiguration, in.DatasetParameters, in.PerformanceConfiguration,
		in.DataPrepConfiguration, in.SemanticModelConfiguration}
	mode := *in.ImportMode
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := liveAsset(ctx, tx, dataSetKind.ref(account, id), now)
		if err != nil {
			return err
		}
		if err := checkSources(ctx, tx, account, d, now); err != nil {
			return err
		}
		m, _, err := dataSetOf(a)
		if err != nil {
			return err
		}
		m.ImportMode, m.RowLevelPermissionDataSet = mode, in.RowLevelPermissionDataSet
		if err := setDataSet(&a, m, d); err != nil {
			return err
		}
		a.Name, a.UpdatedAt = *in.Name, now
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	out := &api.UpdateDataSetResponse{Arn: ptr(DataSetARN(s.regionOf(ctx), account, id)), DataSetId: ptr(id)}
	out.IngestionArn, out.IngestionId = s.ingestion(ctx, account, id, mode)
	return out, nil
}

// DescribeDataSet describes a data set, without its permissions.
func (s *Service) DescribeDataSet(ctx context.Context, in *api.DescribeDataSetRequest) (*api.DescribeDataSetResponse, error) {
	a, err := s.readAsset(ctx, dataSetKind.ref(*in.AwsAccountId, *in.DataSetId))
	if err != nil {
		return nil, err
	}
	m, d, err := dataSetOf(a)
	if err != nil {
		return nil, err
	}
	return &api.DescribeDataSetResponse{DataSet: &api.DataSet{
		Arn:                                ptr(DataSetARN(s.regionOf(ctx), a.Account, a.ID)),
		DataSetId:                          ptr(a.ID),
		Name:                               ptr(a.Name),
		CreatedTime:                        shape.NewTime(a.CreatedAt),
		LastUpdatedTime:                    shape.NewTime(a.UpdatedAt),
		PhysicalTableMap:                   d.PhysicalTableMap,
		LogicalTableMap:                    d.LogicalTableMap,
		OutputColumns:                      outputColumns(d),
		ImportMode:                         ptr(m.ImportMode),
		ConsumedSpiceCapacityInBytes:       ptr(int64(0)),
		ColumnGroups:                       d.ColumnGroups,
		FieldFolders:                       d.FieldFolders,
		RowLevelPermissionDataSet:          m.RowLevelPermissionDataSet,
		RowLevelPermissionTagConfiguration: d.RowLevelPermissionTagConfiguration,
		ColumnLevelPermissionRules:         d.ColumnLevelPermissionRules,
		DataSetUsageConfiguration:          d.DataSetUsageConfiguration,
		DatasetParameters:                  d.DatasetParameters,
		PerformanceConfiguration:           d.PerformanceConfiguration,
		UseAs:                              optionalUseAs(m.UseAs),
		DataPrepConfiguration:              d.DataPrepConfiguration,
		SemanticModelConfiguration:         d.SemanticModelConfiguration,
	}}, nil
}

func optionalUseAs(u api.DataSetUseAs) *api.DataSetUseAs {
	if u == "" {
		return nil
	}
	return &u
}

// DeleteDataSet deletes a data set at once, with its grants and tags.
func (s *Service) DeleteDataSet(ctx context.Context, in *api.DeleteDataSetRequest) (*api.DeleteDataSetResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSetId
	if _, err := s.deleteAsset(ctx, dataSetKind.ref(account, id), 0); err != nil {
		return nil, err
	}
	return &api.DeleteDataSetResponse{Arn: ptr(DataSetARN(s.regionOf(ctx), account, id)), DataSetId: ptr(id)}, nil
}

func (s *Service) dataSetSummaries(ctx context.Context, rows []Asset) ([]api.DataSetSummary, error) {
	out := make([]api.DataSetSummary, len(rows))
	for i, a := range rows {
		var m dataSetMeta
		if a.Meta != nil {
			if err := json.Unmarshal(a.Meta, &m); err != nil {
				return nil, fmt.Errorf("data set %s: %w", a.ID, err)
			}
		}
		out[i] = api.DataSetSummary{
			Arn:                       ptr(DataSetARN(s.regionOf(ctx), a.Account, a.ID)),
			DataSetId:                 ptr(a.ID),
			Name:                      ptr(a.Name),
			CreatedTime:               shape.NewTime(a.CreatedAt),
			LastUpdatedTime:           shape.NewTime(a.UpdatedAt),
			ImportMode:                ptr(m.ImportMode),
			RowLevelPermissionDataSet: m.RowLevelPermissionDataSet,
			RowLevelPermissionTagConfigurationApplied: ptr(m.RowLevelPermissionTags),
			ColumnLevelPermissionRulesApplied:         ptr(m.ColumnLevelPermissionRules),
			UseAs:                                     optionalUseAs(m.UseAs),
		}
	}
	return out, nil
}

// ListDataSets lists an account's data sets in id order, a page at a time.
func (s *Service) ListDataSets(ctx context.Context, in *api.ListDataSetsRequest) (*api.ListDataSetsResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "datasets", scope: account}
	rows, next, err := s.listAssets(ctx, dataSetKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	out, err := s.dataSetSummaries(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &api.ListDataSetsResponse{DataSetSummaries: out, NextToken: next}, nil
}

// dataSetTexts are SearchDataSets's text filters.
var dataSetTexts = map[string]func(Asset) string{string(api.DataSetFilterAttributeDatasetName): assetName}

// SearchDataSets finds data sets by name, or by who holds permissions on
// them, in id order, a page at a time.
func (s *Service) SearchDataSets(ctx context.Context, in *api.SearchDataSetsRequest) (*api.SearchDataSetsResponse, error) {
	account := *in.AwsAccountId
	f := in.Filters[0] // the model requires exactly one, with every member
	name, op, value := string(*f.Name), string(*f.Operator), *f.Value
	filter, err := searchFilter(account, "Filters[0]", name, op, value, dataSetTexts)
	if err != nil {
		return nil, err
	}
	l := listing{account: account, kind: "searchdatasets", scope: account + "\x00" + name + "\x00" + op + "\x00" + value}
	rows, next, err := s.searchAssets(ctx, dataSetKind, l, in.NextToken, in.MaxResults, []assetFilter{filter})
	if err != nil {
		return nil, err
	}
	out, err := s.dataSetSummaries(ctx, rows)
	if err != nil {
		return nil, err
	}
	return &api.SearchDataSetsResponse{DataSetSummaries: out, NextToken: next}, nil
}

// DescribeDataSetPermissions lists who may do what with a data set.
func (s *Service) DescribeDataSetPermissions(ctx context.Context, in *api.DescribeDataSetPermissionsRequest) (*api.DescribeDataSetPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSetId
	grants, err := s.assetGrants(ctx, dataSetKind.ref(account, id))
	if err != nil {
		return nil, err
	}
	return &api.DescribeDataSetPermissionsResponse{
		DataSetArn:  ptr(DataSetARN(s.regionOf(ctx), account, id)),
		DataSetId:   ptr(id),
		Permissions: s.resourcePermissionsOut(ctx, account, grants),
	}, nil
}

// UpdateDataSetPermissions grants and revokes permissions on a data set in
// one transaction. Its answer carries no permissions, as the model says.
// The operation declares no LimitExceededException, so too many
// principals is InvalidParameterValueException here.
func (s *Service) UpdateDataSetPermissions(ctx context.Context, in *api.UpdateDataSetPermissionsRequest) (*api.UpdateDataSetPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.DataSetId
	change, err := dataSetKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	if _, err := s.updateAssetGrants(ctx, dataSetKind.ref(account, id), change); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeLimitExceeded {
			e.Code = CodeInvalidParameterValue
		}
		return nil, err
	}
	return &api.UpdateDataSetPermissionsResponse{DataSetArn: ptr(DataSetARN(s.regionOf(ctx), account, id)), DataSetId: ptr(id)}, nil
}
