package qslocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qslocal/qslocal/api"
	"github.com/qslocal/qslocal/internal/shape"
)

// Folders are assets of folderKind. A folder's type, sharing model and
// parent are its Meta; its members are asset links of Rel relMember, each
// named by the member's ARN resource part ("analysis/a1") with its
// MemberType as Target. A subfolder is found by reading the parent in the
// Meta of the account's folders, and the folders holding a resource by
// reading one link of each folder: both cost grows with the account's
// folders, which the store needs no new query for.

// relMember is the AssetLink.Rel of a folder's members.
const relMember = "member"

// relFormerFolder is the AssetLink.Rel, on a member waiting out its
// recovery window, of a folder deleted meanwhile (Name is the folder's
// id): RestoreToFolders cannot restore it there, and says so.
const relFormerFolder = "formerfolder"

// maxFolderDepth is how many ancestors a folder may have: Folder.FolderPath
// (the model's Path) holds at most 10.
const maxFolderDepth = 10

// FolderARN is the ARN of a folder: ...:folder/{id}.
func FolderARN(region, account, id string) string { return folderKind.ref(account, id).ARN(region) }

// folderMeta is a folder's asset Meta.
type folderMeta struct {
	FolderType   api.FolderType
	SharingModel api.SharingModel
	Parent       string `json:",omitempty"` // the parent folder's id; "" at the root
}

func folderMetaOf(a Asset) (folderMeta, error) {
	var m folderMeta
	if a.Meta != nil {
		if err := json.Unmarshal(a.Meta, &m); err != nil {
			return m, fmt.Errorf("folder %s: %w", a.ID, err)
		}
	}
	return m, nil
}

// memberKinds are the ARN resource types of each MemberType. A type whose
// kind qslocal does not have yet finds no member.
var memberKinds = map[api.MemberType]string{
	api.MemberTypeDashboard:  "dashboard",
	api.MemberTypeAnalysis:   "analysis",
	api.MemberTypeDataset:    "dataset",
	api.MemberTypeDatasource: "datasource",
	api.MemberTypeTopic:      "topic",
}

// member names a folder member: the resource it is, which must exist.
func member(ctx context.Context, tx Tx, account string, typ api.MemberType, id string, now time.Time) (Ref, error) {
	k := kinds[memberKinds[typ]]
	if k == nil {
		return Ref{}, errorf(CodeResourceNotFound, "", "MemberId: %s %s not found in account %s (qslocal has no %s resources yet).", typ, id, account, strings.ToLower(string(typ)))
	}
	r := k.ref(account, id)
	if _, err := liveAsset(ctx, tx, r, now); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == CodeConflict {
			// Deleted, waiting out its recovery window: the operations that
			// name members declare no ConflictException.
			return Ref{}, errorf(CodeResourceNotFound, "", "MemberId: %s %s is deleted in account %s.", typ, id, account)
		}
		if errors.As(err, &e) && e.Code == CodeResourceNotFound {
			e.Message = "MemberId: " + e.Message
		}
		return Ref{}, err
	}
	return r, nil
}

// ancestors returns the ids of a folder's ancestors, root first.
func ancestors(ctx context.Context, tx Tx, account string, m folderMeta) ([]string, error) {
	var path []string
	for id := m.Parent; id != ""; {
		if len(path) > maxFolderDepth {
			return nil, fmt.Errorf("folder %s: ancestors form a cycle", id)
		}
		path = append(path, id)
		p, err := tx.Asset(ctx, account, folderKind.Type, id)
		if err != nil {
			return nil, fmt.Errorf("folder %s: reading ancestor: %w", id, err)
		}
		pm, err := folderMetaOf(p)
		if err != nil {
			return nil, err
		}
		id = pm.Parent
	}
	slices.Reverse(path)
	return path, nil
}

// addToFolders makes a resource being created, r of MemberType typ, a
// member of the folders arns names, in the create's transaction: each must
// be a folder ARN of r's account (InvalidParameterValue otherwise) that
// exists (ResourceNotFound). field names the list in errors.
func addToFolders(ctx context.Context, tx Tx, r Ref, typ api.MemberType, field string, arns []string, now time.Time) error {
	for i, arn := range arns {
		at := fmt.Sprintf("%s[%d]", field, i)
		f, err := parseRef(at, arn)
		if err != nil {
			return err
		}
		if f.Kind != folderKind || f.Account != r.Account {
			return invalidParameter("%s %q does not name a folder of account %s.", at, arn, r.Account)
		}
		if _, err := lookupAsset(ctx, tx, f, now); err != nil {
			var e *Error
			if errors.As(err, &e) && e.Code == CodeResourceNotFound {
				return errorf(CodeResourceNotFound, "", "%s: folder %s not found in account %s.", at, arn, r.Account)
			}
			return err
		}
		err = tx.SetAssetLink(ctx, AssetLink{Account: r.Account, Kind: folderKind.Type, ID: f.Name, Rel: relMember, Name: r.Resource(), Target: string(typ)})
		if err != nil {
			return err
		}
	}
	return nil
}

// eachMember calls fn for every member link of a folder, in name order.
func eachMember(ctx context.Context, tx Tx, account, folder string, fn func(AssetLink) error) error {
	for after := ""; ; {
		page, err := tx.ListAssetLinks(ctx, account, folderKind.Type, folder, relMember, after, defaultPageSize)
		if err != nil {
			return err
		}
		for _, l := range page {
			if err := fn(l); err != nil {
				return err
			}
		}
		if len(page) < defaultPageSize {
			return nil
		}
		after = page[len(page)-1].Name
	}
}

// dropMemberships removes a resource from every folder holding it: what
// deleting the resource for good does (purgeAsset).
func dropMemberships(ctx context.Context, tx Tx, r Ref) error {
	return eachAsset(ctx, tx, folderKind, r.Account, func(f Asset) error {
		err := tx.DeleteAssetLink(ctx, r.Account, folderKind.Type, f.ID, relMember, r.Resource())
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
}

// folderTree is what an account's folders say about reach: for every
// folder member and subfolder (by ARN resource part), the ids of the
// folders holding it and of their ancestors, each once; and the grants on
// each of those folders. The implicit ownership filters of searches and
// the access explorer (access.go) count those grants.
type folderTree struct {
	above  map[string][]string
	grants map[string][]Grant // folder id -> the grants on it
}

// readFolderTree reads every folder and member link once, and the grants
// of each folder holding something, or above one, once.
func readFolderTree(ctx context.Context, tx Tx, account string) (folderTree, error) {
	parent := map[string]string{}
	holders := map[string][]string{} // resource -> ids of the folders holding it
	err := eachAsset(ctx, tx, folderKind, account, func(f Asset) error {
		m, err := folderMetaOf(f)
		if err != nil {
			return err
		}
		parent[f.ID] = m.Parent
		if m.Parent != "" {
			sub := folderKind.ref(account, f.ID).Resource()
			holders[sub] = append(holders[sub], m.Parent)
		}
		return eachMember(ctx, tx, account, f.ID, func(l AssetLink) error {
			holders[l.Name] = append(holders[l.Name], f.ID)
			return nil
		})
	})
	if err != nil {
		return folderTree{}, err
	}
	t := folderTree{above: make(map[string][]string, len(holders)), grants: map[string][]Grant{}}
	for res, ids := range holders {
		seen := map[string]bool{}
		for _, id := range ids {
			for f := id; f != "" && !seen[f]; f = parent[f] { // seen stops a cycle too
				seen[f] = true
				if _, ok := t.grants[f]; !ok {
					g, err := tx.Grants(ctx, account, folderKind.ref(account, f).Resource())
					if err != nil {
						return folderTree{}, err
					}
					t.grants[f] = g
				}
				t.above[res] = append(t.above[res], f)
			}
		}
	}
	return t, nil
}

// inherited is every grant on the folders holding res and on their
// ancestors.
func (t folderTree) inherited(res string) []Grant {
	var out []Grant
	for _, f := range t.above[res] {
		out = append(out, t.grants[f]...)
	}
	return out
}

// restoreMemberships settles the folders of an asset restored from its
// recovery window, and answers the ids of the folders it could not go back
// to. With toFolders it stays in the folders that hold it still, and those
// deleted meanwhile are answered; without, it leaves every folder, which a
// member of a restricted one may not: "Restoring a restricted analysis
// requires this parameter to be set to True" (the model).
func restoreMemberships(ctx context.Context, tx Tx, r Ref, toFolders bool) ([]string, error) {
	var gone []string
	for after := ""; ; {
		page, err := tx.ListAssetLinks(ctx, r.Account, r.Kind.Type, r.Name, relFormerFolder, after, defaultPageSize)
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			gone = append(gone, l.Name)
		}
		if len(page) < defaultPageSize {
			break
		}
		after = page[len(page)-1].Name
	}
	for _, f := range gone {
		if err := tx.DeleteAssetLink(ctx, r.Account, r.Kind.Type, r.Name, relFormerFolder, f); err != nil {
			return nil, err
		}
	}
	if toFolders {
		return gone, nil
	}
	err := eachAsset(ctx, tx, folderKind, r.Account, func(f Asset) error {
		m, err := folderMetaOf(f)
		if err != nil || m.FolderType != api.FolderTypeRestricted {
			return err
		}
		_, err = tx.AssetLink(ctx, r.Account, folderKind.Type, f.ID, relMember, r.Resource())
		if err == nil {
			return invalidParameter("RestoreToFolders: %s %s is in restricted folder %s, so it can only be restored with RestoreToFolders true.",
				strings.ToLower(r.Kind.Noun), r.Name, f.ID)
		}
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return nil, dropMemberships(ctx, tx, r)
}

// CreateFolder creates a folder, at the root or under ParentFolderArn,
// which must name a folder of the account. A subfolder takes its parent's
// type and sharing model; asking for others is InvalidParameterValue.
func (s *Service) CreateFolder(ctx context.Context, in *api.CreateFolderRequest) (*api.CreateFolderResponse, error) {
	now := s.now()
	account, id := *in.AwsAccountId, *in.FolderId
	perms, err := folderKind.change(account, "Permissions", fromResourcePermissions(in.Permissions), nil)
	if err != nil {
		return nil, err
	}
	tags, err := checkTags(nil, in.Tags, "")
	if err != nil {
		return nil, err
	}
	var parent Ref
	if p := str(in.ParentFolderArn); p != "" {
		if parent, err = parseRef("ParentFolderArn", p); err != nil {
			return nil, err
		}
		if parent.Kind != folderKind || parent.Account != account {
			return nil, invalidParameter("ParentFolderArn %q does not name a folder of account %s.", p, account)
		}
	}
	err = s.update(ctx, account, func(tx Tx) error {
		m := folderMeta{FolderType: api.FolderTypeShared, SharingModel: api.SharingModelAccount}
		if parent.Kind != nil {
			pa, err := lookupAsset(ctx, tx, parent, now)
			if err != nil {
				return err
			}
			pm, err := folderMetaOf(pa)
			if err != nil {
				return err
			}
			path, err := ancestors(ctx, tx, account, pm)
			if err != nil {
				return err
			}
			if len(path)+1 > maxFolderDepth {
				return errorf(CodeLimitExceeded, "", "ParentFolderArn: folder %s is %d levels deep; folders nest at most %d levels.", parent.Name, len(path)+1, maxFolderDepth)
			}
			m = folderMeta{FolderType: pm.FolderType, SharingModel: pm.SharingModel, Parent: parent.Name}
		}
		switch {
		case parent.Kind == nil:
			if in.FolderType != nil {
				m.FolderType = *in.FolderType
			}
			if in.SharingModel != nil {
				m.SharingModel = *in.SharingModel
			}
		case in.FolderType != nil && *in.FolderType != m.FolderType:
			return invalidParameter("FolderType: a subfolder of %s folder %s is %s too.", m.FolderType, parent.Name, m.FolderType)
		case in.SharingModel != nil && *in.SharingModel != m.SharingModel:
			return invalidParameter("SharingModel: a subfolder of folder %s shares by %s, as its parent.", parent.Name, m.SharingModel)
		}
		meta, err := json.Marshal(m)
		if err != nil {
			return err
		}
		a := Asset{Account: account, Kind: folderKind.Type, ID: id, Name: *in.Name, CreatedAt: now, UpdatedAt: now, Meta: meta}
		return createAsset(ctx, tx, a, perms, tags, now)
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateFolderResponse{Arn: ptr(FolderARN(s.regionOf(ctx), account, id)), FolderId: ptr(id)}, nil
}

// DescribeFolder describes a folder, with the ARNs of its ancestors.
func (s *Service) DescribeFolder(ctx context.Context, in *api.DescribeFolderRequest) (*api.DescribeFolderResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	var out api.Folder
	err := s.view(ctx, account, func(tx Tx) error {
		a, err := lookupAsset(ctx, tx, folderKind.ref(account, id), now)
		if err != nil {
			return err
		}
		m, err := folderMetaOf(a)
		if err != nil {
			return err
		}
		path, err := ancestors(ctx, tx, account, m)
		if err != nil {
			return err
		}
		sum := s.folderSummary(ctx, a, m)
		out = api.Folder{FolderId: sum.FolderId, Arn: sum.Arn, Name: sum.Name, FolderType: sum.FolderType,
			CreatedTime: sum.CreatedTime, LastUpdatedTime: sum.LastUpdatedTime, SharingModel: sum.SharingModel}
		for _, p := range path {
			out.FolderPath = append(out.FolderPath, FolderARN(s.regionOf(ctx), account, p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeFolderResponse{Folder: &out}, nil
}

func (s *Service) folderSummary(ctx context.Context, a Asset, m folderMeta) api.FolderSummary {
	return api.FolderSummary{
		Arn:             ptr(FolderARN(s.regionOf(ctx), a.Account, a.ID)),
		FolderId:        ptr(a.ID),
		Name:            ptr(a.Name),
		FolderType:      ptr(m.FolderType),
		CreatedTime:     shape.NewTime(a.CreatedAt),
		LastUpdatedTime: shape.NewTime(a.UpdatedAt),
		SharingModel:    ptr(m.SharingModel),
	}
}

// UpdateFolder renames a folder.
func (s *Service) UpdateFolder(ctx context.Context, in *api.UpdateFolderRequest) (*api.UpdateFolderResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	err := s.update(ctx, account, func(tx Tx) error {
		a, err := lookupAsset(ctx, tx, folderKind.ref(account, id), now)
		if err != nil {
			return err
		}
		a.Name, a.UpdatedAt = *in.Name, now
		return tx.UpdateAsset(ctx, a)
	})
	if err != nil {
		return nil, err
	}
	return &api.UpdateFolderResponse{Arn: ptr(FolderARN(s.regionOf(ctx), account, id)), FolderId: ptr(id)}, nil
}

// DeleteFolder deletes an empty folder with its grants and tags. AWS
// documents that it "deletes an empty folder": one holding members or
// subfolders is PreconditionNotMetException (declared by the operation),
// and nothing changes.
func (s *Service) DeleteFolder(ctx context.Context, in *api.DeleteFolderRequest) (*api.DeleteFolderResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	r := folderKind.ref(account, id)
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupAsset(ctx, tx, r, now); err != nil {
			return err
		}
		// Only members readers see count: one deleted and waiting out its
		// recovery window does not hold the folder, and remembers losing it.
		var hidden []Ref
		err := eachMember(ctx, tx, account, id, func(l AssetLink) error {
			r, shown, err := memberShown(ctx, tx, account, l, now)
			switch {
			case err != nil:
				return err
			case shown:
				return errorf(CodePreconditionNotMet, "", "Folder %s is not empty: it holds %s; remove its members first.", id, l.Name)
			case r.Kind != nil && r.Kind.Asset:
				a, err := lookupAsset(ctx, tx, r, now)
				var e *Error
				switch {
				case errors.As(err, &e): // gone for good: nothing to remember
				case err != nil:
					return err
				case a.deleted():
					hidden = append(hidden, r)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		errChild := errors.New("child")
		var child string
		err = eachAsset(ctx, tx, folderKind, account, func(f Asset) error {
			m, err := folderMetaOf(f)
			if err == nil && m.Parent == id {
				child = f.ID
				return errChild
			}
			return err
		})
		if errors.Is(err, errChild) {
			return errorf(CodePreconditionNotMet, "", "Folder %s is not empty: it holds folder %s; delete its subfolders first.", id, child)
		}
		if err != nil {
			return err
		}
		for _, m := range hidden {
			err := tx.SetAssetLink(ctx, AssetLink{Account: account, Kind: m.Kind.Type, ID: m.Name, Rel: relFormerFolder, Name: id})
			if err != nil {
				return err
			}
		}
		return purgeAsset(ctx, tx, r)
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteFolderResponse{Arn: ptr(FolderARN(s.regionOf(ctx), account, id)), FolderId: ptr(id)}, nil
}

// ListFolders lists an account's folders in id order, a page at a time.
func (s *Service) ListFolders(ctx context.Context, in *api.ListFoldersRequest) (*api.ListFoldersResponse, error) {
	account := *in.AwsAccountId
	l := listing{account: account, kind: "folders", scope: account}
	rows, next, err := s.listAssets(ctx, folderKind, l, in.NextToken, in.MaxResults, everyAsset)
	if err != nil {
		return nil, err
	}
	out, err := s.folderSummaries(ctx, rows)
	return &api.ListFoldersResponse{FolderSummaryList: out, NextToken: next}, err
}

func (s *Service) folderSummaries(ctx context.Context, rows []Asset) ([]api.FolderSummary, error) {
	out := make([]api.FolderSummary, len(rows))
	for i, a := range rows {
		m, err := folderMetaOf(a)
		if err != nil {
			return nil, err
		}
		out[i] = s.folderSummary(ctx, a, m)
	}
	return out, nil
}

// folderTexts are SearchFolders's name filter.
var folderTexts = map[string]func(Asset) string{string(api.FolderFilterAttributeFolderName): assetName}

// folderParent is the text PARENT_FOLDER_ARN compares: the parent's id.
func folderParent(a Asset) string {
	m, _ := folderMetaOf(a) // a bad Meta fails the answer's summary anyway
	return m.Parent
}

// SearchFolders finds folders by parent (PARENT_FOLDER_ARN, StringEquals;
// an empty value finds the root folders), by name (FOLDER_NAME: StringLike
// matches a substring in any case), or by who holds permissions on them,
// every filter applying.
func (s *Service) SearchFolders(ctx context.Context, in *api.SearchFoldersRequest) (*api.SearchFoldersResponse, error) {
	account := *in.AwsAccountId
	filters := make([]assetFilter, len(in.Filters))
	scope := account
	for i, f := range in.Filters {
		field := fmt.Sprintf("Filters[%d]", i)
		if f.Name == nil || f.Operator == nil {
			return nil, invalidParameter("%s: give Name and Operator.", field)
		}
		name, op, value := string(*f.Name), string(*f.Operator), str(f.Value)
		scope += "\x00" + name + "\x00" + op + "\x00" + value
		if name != string(api.FolderFilterAttributeParentFolderArn) {
			var err error
			if filters[i], err = searchFilter(account, field, name, op, value, folderTexts); err != nil {
				return nil, err
			}
			continue
		}
		if op != string(api.FilterOperatorStringEquals) {
			return nil, invalidParameter("%s.Operator: PARENT_FOLDER_ARN takes StringEquals.", field)
		}
		parent := ""
		if value != "" {
			r, err := parseRef(field+".Value", value)
			if err != nil {
				return nil, err
			}
			if r.Kind != folderKind || r.Account != account {
				return nil, invalidParameter("%s.Value %q does not name a folder of account %s.", field, value, account)
			}
			parent = r.Name
		}
		filters[i] = assetFilter{text: folderParent, value: parent}
	}
	l := listing{account: account, kind: "searchfolders", scope: scope}
	rows, next, err := s.searchAssets(ctx, folderKind, l, in.NextToken, in.MaxResults, filters)
	if err != nil {
		return nil, err
	}
	out, err := s.folderSummaries(ctx, rows)
	return &api.SearchFoldersResponse{FolderSummaryList: out, NextToken: next}, err
}

// CreateFolderMembership puts an existing resource in a folder. Adding one
// already there is ResourceExistsException.
func (s *Service) CreateFolderMembership(ctx context.Context, in *api.CreateFolderMembershipRequest) (*api.CreateFolderMembershipResponse, error) {
	account, id, typ, mid := *in.AwsAccountId, *in.FolderId, *in.MemberType, *in.MemberId
	now := s.now()
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupAsset(ctx, tx, folderKind.ref(account, id), now); err != nil {
			return err
		}
		r, err := member(ctx, tx, account, typ, mid, now)
		if err != nil {
			return err
		}
		_, err = tx.AssetLink(ctx, account, folderKind.Type, id, relMember, r.Resource())
		switch {
		case err == nil:
			return errorf(CodeResourceExists, "", "%s %s is already in folder %s.", typ, mid, id)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return tx.SetAssetLink(ctx, AssetLink{Account: account, Kind: folderKind.Type, ID: id, Rel: relMember, Name: r.Resource(), Target: string(typ)})
	})
	if err != nil {
		return nil, err
	}
	return &api.CreateFolderMembershipResponse{FolderMember: &api.FolderMember{MemberId: ptr(mid), MemberType: ptr(typ)}}, nil
}

// DeleteFolderMembership takes a resource out of a folder; one the folder
// does not hold is ResourceNotFoundException.
func (s *Service) DeleteFolderMembership(ctx context.Context, in *api.DeleteFolderMembershipRequest) (*api.DeleteFolderMembershipResponse, error) {
	account, id, typ, mid := *in.AwsAccountId, *in.FolderId, *in.MemberType, *in.MemberId
	now := s.now()
	err := s.update(ctx, account, func(tx Tx) error {
		if _, err := lookupAsset(ctx, tx, folderKind.ref(account, id), now); err != nil {
			return err
		}
		key := memberKinds[typ] + "/" + mid
		err := tx.DeleteAssetLink(ctx, account, folderKind.Type, id, relMember, key)
		if errors.Is(err, ErrNotFound) {
			return errorf(CodeResourceNotFound, "", "MemberId: folder %s holds no %s %s.", id, typ, mid)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &api.DeleteFolderMembershipResponse{}, nil
}

// memberShown reports whether a member link names a resource readers see:
// a member deleted and waiting out its recovery window is left out, and
// comes back if it is restored.
func memberShown(ctx context.Context, tx Tx, account string, l AssetLink, now time.Time) (Ref, bool, error) {
	r := refAt(account, l.Name)
	if r.Kind == nil {
		return r, false, nil
	}
	_, err := liveAsset(ctx, tx, r, now)
	var e *Error
	if errors.As(err, &e) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ListFolderMembers lists a folder's members in order of their ARN
// resource parts, a page at a time.
func (s *Service) ListFolderMembers(ctx context.Context, in *api.ListFolderMembersRequest) (*api.ListFolderMembersResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	region := s.regionOf(ctx)
	l := listing{account: account, kind: "foldermembers", scope: account + "/" + id}
	rows, next, err := listPage(ctx, s, l, in.NextToken, in.MaxResults, func(tx Tx, after string, limit int) ([]AssetLink, error) {
		if _, err := lookupAsset(ctx, tx, folderKind.ref(account, id), now); err != nil {
			return nil, err
		}
		var out []AssetLink
		for len(out) < limit {
			page, err := tx.ListAssetLinks(ctx, account, folderKind.Type, id, relMember, after, limit)
			if err != nil {
				return nil, err
			}
			for _, l := range page {
				if _, ok, err := memberShown(ctx, tx, account, l, now); err != nil {
					return nil, err
				} else if ok && len(out) < limit {
					out = append(out, l)
				}
			}
			if len(page) < limit {
				break
			}
			after = page[len(page)-1].Name
		}
		return out, nil
	}, func(l AssetLink) string { return l.Name })
	if err != nil {
		return nil, err
	}
	out := make([]api.MemberIdArnPair, len(rows))
	for i, l := range rows {
		r := refAt(account, l.Name)
		out[i] = api.MemberIdArnPair{MemberId: ptr(r.Name), MemberArn: ptr(r.ARN(region))}
	}
	return &api.ListFolderMembersResponse{FolderMemberList: out, NextToken: next}, nil
}

// ListFoldersForResource lists the ARNs of the folders holding a resource,
// in folder id order, a page at a time. The resource must exist.
func (s *Service) ListFoldersForResource(ctx context.Context, in *api.ListFoldersForResourceRequest) (*api.ListFoldersForResourceResponse, error) {
	account := *in.AwsAccountId
	now := s.now()
	r, err := parseRef("ResourceArn", *in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if r.Account != account {
		return nil, invalidParameter("ResourceArn %q belongs to account %s, not %s.", *in.ResourceArn, r.Account, account)
	}
	var typ api.MemberType
	for t, k := range memberKinds {
		if r.Kind != nil && k == r.Kind.Type {
			typ = t
		}
	}
	if typ == "" {
		return nil, invalidParameter("ResourceArn %q: only dashboards, analyses, data sets, data sources and topics are folder members.", *in.ResourceArn)
	}
	l := listing{account: account, kind: "foldersforresource", scope: account + "/" + r.Resource()}
	rows, next, err := s.listAssets(ctx, folderKind, l, in.NextToken, in.MaxResults, func(tx Tx) (func(Asset) (bool, error), error) {
		if _, err := member(ctx, tx, account, typ, r.Name, now); err != nil {
			return nil, err
		}
		return func(f Asset) (bool, error) {
			_, err := tx.AssetLink(ctx, account, folderKind.Type, f.ID, relMember, r.Resource())
			if errors.Is(err, ErrNotFound) {
				return false, nil
			}
			return err == nil, err
		}, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(rows))
	for i, f := range rows {
		out[i] = FolderARN(s.regionOf(ctx), account, f.ID)
	}
	return &api.ListFoldersForResourceResponse{Folders: out, NextToken: next}, nil
}

// grantPage answers one page of a permission list, in principal order.
func (s *Service) grantPage(ctx context.Context, l listing, next *string, max *int32, read func(tx Tx) ([]Grant, error)) ([]api.ResourcePermission, *string, error) {
	rows, token, err := listPage(ctx, s, l, next, max, func(tx Tx, after string, limit int) ([]Grant, error) {
		all, err := read(tx)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(all, func(a, b Grant) int { return strings.Compare(a.Principal, b.Principal) })
		i, _ := slices.BinarySearchFunc(all, after, func(g Grant, k string) int {
			if strings.Compare(g.Principal, k) <= 0 {
				return -1
			}
			return 1
		})
		all = all[i:]
		return all[:min(limit, len(all))], nil
	}, func(g Grant) string { return g.Principal })
	if err != nil {
		return nil, nil, err
	}
	return s.resourcePermissionsOut(ctx, l.account, rows), token, nil
}

// DescribeFolderPermissions lists who may do what with a folder, a page
// at a time. Namespace is accepted and does not narrow the list.
func (s *Service) DescribeFolderPermissions(ctx context.Context, in *api.DescribeFolderPermissionsRequest) (*api.DescribeFolderPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	r := folderKind.ref(account, id)
	l := listing{account: account, kind: "folderpermissions", scope: account + "/" + r.Resource()}
	perms, next, err := s.grantPage(ctx, l, in.NextToken, in.MaxResults, func(tx Tx) ([]Grant, error) {
		if _, err := lookupAsset(ctx, tx, r, now); err != nil {
			return nil, err
		}
		return tx.Grants(ctx, account, r.Resource())
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeFolderPermissionsResponse{FolderId: ptr(id), Arn: ptr(r.ARN(s.regionOf(ctx))), Permissions: perms, NextToken: next}, nil
}

// DescribeFolderResolvedPermissions lists the folder's permissions joined
// with those of every ancestor: each principal once, with the union of
// its actions.
func (s *Service) DescribeFolderResolvedPermissions(ctx context.Context, in *api.DescribeFolderResolvedPermissionsRequest) (*api.DescribeFolderResolvedPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	now := s.now()
	r := folderKind.ref(account, id)
	l := listing{account: account, kind: "folderresolvedpermissions", scope: account + "/" + r.Resource()}
	perms, next, err := s.grantPage(ctx, l, in.NextToken, in.MaxResults, func(tx Tx) ([]Grant, error) {
		a, err := lookupAsset(ctx, tx, r, now)
		if err != nil {
			return nil, err
		}
		m, err := folderMetaOf(a)
		if err != nil {
			return nil, err
		}
		path, err := ancestors(ctx, tx, account, m)
		if err != nil {
			return nil, err
		}
		return resolvedGrants(ctx, tx, account, append(path, id))
	})
	if err != nil {
		return nil, err
	}
	return &api.DescribeFolderResolvedPermissionsResponse{FolderId: ptr(id), Arn: ptr(r.ARN(s.regionOf(ctx))), Permissions: perms, NextToken: next}, nil
}

// resolvedGrants joins the grants on the given folders: one per principal,
// with the union of its actions.
func resolvedGrants(ctx context.Context, tx Tx, account string, folders []string) ([]Grant, error) {
	var out []Grant
	at := map[string]int{}
	for _, f := range folders {
		grants, err := tx.Grants(ctx, account, folderKind.ref(account, f).Resource())
		if err != nil {
			return nil, err
		}
		for _, g := range grants {
			j, ok := at[g.Principal]
			if !ok {
				j = len(out)
				at[g.Principal] = j
				out = append(out, Grant{Principal: g.Principal})
			}
			for _, a := range g.Actions {
				if !slices.Contains(out[j].Actions, a) {
					out[j].Actions = append(out[j].Actions, a)
				}
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Actions)
	}
	return out, nil
}

// UpdateFolderPermissions grants and revokes permissions on a folder in one
// transaction, and answers the whole resulting set.
func (s *Service) UpdateFolderPermissions(ctx context.Context, in *api.UpdateFolderPermissionsRequest) (*api.UpdateFolderPermissionsResponse, error) {
	account, id := *in.AwsAccountId, *in.FolderId
	change, err := folderKind.change(account, "GrantPermissions",
		fromResourcePermissions(in.GrantPermissions), fromResourcePermissions(in.RevokePermissions))
	if err != nil {
		return nil, err
	}
	r := folderKind.ref(account, id)
	grants, err := s.updateAssetGrants(ctx, r, change)
	if err != nil {
		return nil, err
	}
	return &api.UpdateFolderPermissionsResponse{Arn: ptr(r.ARN(s.regionOf(ctx))), FolderId: ptr(id),
		Permissions: s.resourcePermissionsOut(ctx, account, grants)}, nil
}
