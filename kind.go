package qslocal

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Kind is one type of QuickSight resource, named as its ARNs name it:
// arn:aws:quicksight:{region}:{account}:{Type}/{id}. The table below is
// the one place that says what each type is and which rules it follows;
// tags, grants, principals and the asset lifecycle all read it.
type Kind struct {
	// Type is the ARN's resource type.
	Type string
	// Noun names the kind in messages.
	Noun string
	// ResourceType is the ExceptionResourceType its errors carry; "" where
	// the enum has no value for it.
	ResourceType string
	// Namespaced kinds are named {Type}/{namespace}/{name}.
	Namespaced bool
	// Taggable kinds accept TagResource, UntagResource and
	// ListTagsForResource.
	Taggable bool
	// Principal kinds may hold grants on assets.
	Principal bool
	// lookup checks within tx that a resource of the kind exists, with the
	// error the caller should see when it does not.
	lookup func(ctx context.Context, tx Tx, r Ref, now time.Time) error

	// The rest is for assets, kinds kept in the generic asset store with
	// grant/revoke permissions (Asset is set).
	Asset bool
	// Owner is the set of actions AWS documents for an asset's owners, in
	// canonical case; Viewer the subset it documents for viewers.
	Owner, Viewer []string
	// OwnerAction makes its holder an owner, for searches: the action that
	// lets a principal change the asset's permissions.
	OwnerAction string
	// NamespaceViewerOnly: a namespace principal may hold Viewer actions
	// only.
	NamespaceViewerOnly bool
	// NoNamespacePrincipal: only users and groups may hold grants.
	NoNamespacePrincipal bool
	// MaxPrincipals bounds the principals holding grants on one asset.
	MaxPrincipals int
	// AccountPrincipals: an AWS account's root (arn:aws:iam::ACCOUNT:root)
	// may hold grants too, which shares the asset with that account.
	AccountPrincipals bool
	// LinkSharing kinds are also shared by link with every user of a
	// namespace: link grants, kept apart from the asset's own under
	// Ref.linkResource.
	LinkSharing bool
	// Versioned kinds publish numbered versions of their content
	// (AssetVersion), found through aliases (AssetLink, relAlias); publish
	// refuses other kinds.
	Versioned bool
	// RecoveryWindow: deleting one waits out a window during which it can
	// be restored, unless forced; other kinds are deleted at once.
	RecoveryWindow bool
	// Async kinds are created and updated asynchronously, as AWS does: a
	// create or update answers, and reads show, CREATION_IN_PROGRESS or
	// UPDATE_IN_PROGRESS until the service's async delay has passed, then
	// the stored ..._SUCCESSFUL (async.go). Kinds whose API has no such
	// status (flows) are not Async.
	Async bool
}

// The kinds qslocal has. A new asset kind is an entry here plus its
// adapters for the API's shapes; the store needs nothing new.
var (
	userKind = &Kind{Type: "user", Noun: "User", ResourceType: ResourceUser,
		Namespaced: true, Taggable: true, Principal: true}
	groupKind = &Kind{Type: "group", Noun: "Group", ResourceType: ResourceGroup,
		Namespaced: true, Taggable: true, Principal: true}
	namespaceKind = &Kind{Type: "namespace", Noun: "Namespace", ResourceType: ResourceNamespace,
		Taggable: true, Principal: true}
	// The enum has no value for profiles.
	profileKind = &Kind{Type: "custompermission", Noun: "Custom permissions profile", Taggable: true}

	// analysisKind: AWS documents the seven owner actions; a viewer holds
	// the two that read it. CreateAnalysis and UpdateAnalysis answer
	// CREATION_IN_PROGRESS and UPDATE_IN_PROGRESS (Async).
	analysisKind = &Kind{Type: "analysis", Noun: "Analysis", Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:DeleteAnalysis",
			"quicksight:DescribeAnalysis",
			"quicksight:DescribeAnalysisPermissions",
			"quicksight:QueryAnalysis",
			"quicksight:RestoreAnalysis",
			"quicksight:UpdateAnalysis",
			"quicksight:UpdateAnalysisPermissions",
		},
		Viewer:         []string{"quicksight:DescribeAnalysis", "quicksight:QueryAnalysis"},
		OwnerAction:    "quicksight:UpdateAnalysisPermissions",
		MaxPrincipals:  maxPrincipals,
		RecoveryWindow: true,
		Async:          true,
	}

	// flowKind: the owner and viewer sets UpdateFlowPermissions documents;
	// "Namespace principal can only be set as a viewer". CreateFlow takes
	// no tags and TagResource does not list flows. Not Async: the model
	// gives flows no creation or update status, only a publish state.
	flowKind = &Kind{Type: "flow", Noun: "Flow", Asset: true,
		Owner: []string{
			"quicksight:CreatePresignedUrl",
			"quicksight:DeleteFlow",
			"quicksight:DescribeFlowPermissions",
			"quicksight:GetFlow",
			"quicksight:GetFlowSession",
			"quicksight:GetFlowStages",
			"quicksight:PublishFlow",
			"quicksight:StartFlowSession",
			"quicksight:StopFlowSession",
			"quicksight:UnpublishFlow",
			"quicksight:UpdateFlow",
			"quicksight:UpdateFlowPermissions",
			"quicksight:UpdateFlowSession",
		},
		Viewer: []string{
			"quicksight:CreatePresignedUrl",
			"quicksight:GetFlow",
			"quicksight:GetFlowSession",
			"quicksight:GetFlowStages",
			"quicksight:StartFlowSession",
			"quicksight:StopFlowSession",
			"quicksight:UpdateFlowSession",
		},
		OwnerAction:         "quicksight:UpdateFlowPermissions",
		NamespaceViewerOnly: true,
		MaxPrincipals:       maxPrincipals,
		Versioned:           true,
	}

	// themeKind: the owner and user sets UpdateThemePermissions documents.
	// Every create and update makes a version (theme.go); CreateTheme and
	// UpdateTheme answer CREATION_IN_PROGRESS (Async).
	themeKind = &Kind{Type: "theme", Noun: "Theme", Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:CreateThemeAlias",
			"quicksight:DeleteTheme",
			"quicksight:DeleteThemeAlias",
			"quicksight:DescribeTheme",
			"quicksight:DescribeThemeAlias",
			"quicksight:DescribeThemePermissions",
			"quicksight:ListThemeAliases",
			"quicksight:ListThemeVersions",
			"quicksight:UpdateTheme",
			"quicksight:UpdateThemeAlias",
			"quicksight:UpdateThemePermissions",
		},
		Viewer: []string{
			"quicksight:DescribeTheme",
			"quicksight:DescribeThemeAlias",
			"quicksight:ListThemeAliases",
			"quicksight:ListThemeVersions",
		},
		OwnerAction:   "quicksight:UpdateThemePermissions",
		MaxPrincipals: maxPrincipals,
		Versioned:     true,
		Async:         true,
	}

	// dataSourceKind: the owner and viewer sets the user guide's
	// UpdateDataSourcePermissions example and Terraform's documentation
	// give; ResourcePermission's documentation names only users and groups
	// as principals of data sources, and DescribeDataSourcePermissions
	// answers at most 64. CreateDataSource and UpdateDataSource answer
	// CREATION_IN_PROGRESS and UPDATE_IN_PROGRESS (Async).
	dataSourceKind = &Kind{Type: "datasource", Noun: "Data source", ResourceType: ResourceDataSource,
		Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:DeleteDataSource",
			"quicksight:DescribeDataSource",
			"quicksight:DescribeDataSourcePermissions",
			"quicksight:PassDataSource",
			"quicksight:UpdateDataSource",
			"quicksight:UpdateDataSourcePermissions",
		},
		Viewer: []string{
			"quicksight:DescribeDataSource",
			"quicksight:DescribeDataSourcePermissions",
			"quicksight:PassDataSource",
		},
		OwnerAction:          "quicksight:UpdateDataSourcePermissions",
		NoNamespacePrincipal: true,
		MaxPrincipals:        64,
		Async:                true,
	}

	// folderKind: the owner set the user guide's folder permissions page
	// and UpdateFolderPermissions example give; a folder viewer holds
	// DescribeFolder. ResourcePermissionList holds at most 64 principals.
	// Not Async: CreateFolder answers no creation status.
	folderKind = &Kind{Type: "folder", Noun: "Folder", Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:CreateFolder",
			"quicksight:CreateFolderMembership",
			"quicksight:DeleteFolder",
			"quicksight:DeleteFolderMembership",
			"quicksight:DescribeFolder",
			"quicksight:DescribeFolderPermissions",
			"quicksight:UpdateFolder",
			"quicksight:UpdateFolderPermissions",
		},
		Viewer:        []string{"quicksight:DescribeFolder"},
		OwnerAction:   "quicksight:UpdateFolderPermissions",
		MaxPrincipals: 64,
	}

	// templateKind: the owner and viewer sets the developer guide's
	// template sharing example gives; that example shares a template with
	// another account through the account's root (AccountPrincipals). Every create and update makes a
	// version (template.go); CreateTemplate and UpdateTemplate answer
	// CREATION_IN_PROGRESS (Async).
	templateKind = &Kind{Type: "template", Noun: "Template", Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:CreateTemplateAlias",
			"quicksight:DeleteTemplate",
			"quicksight:DeleteTemplateAlias",
			"quicksight:DescribeTemplate",
			"quicksight:DescribeTemplateAlias",
			"quicksight:DescribeTemplatePermissions",
			"quicksight:ListTemplateAliases",
			"quicksight:ListTemplateVersions",
			"quicksight:UpdateTemplate",
			"quicksight:UpdateTemplateAlias",
			"quicksight:UpdateTemplatePermissions",
		},
		Viewer: []string{
			"quicksight:DescribeTemplate",
			"quicksight:DescribeTemplateAlias",
			"quicksight:ListTemplateAliases",
			"quicksight:ListTemplateVersions",
		},
		OwnerAction:       "quicksight:UpdateTemplatePermissions",
		MaxPrincipals:     maxPrincipals,
		Versioned:         true,
		Async:             true,
		AccountPrincipals: true,
	}

	// dataSetKind: the owner set Terraform's and the developer guide's
	// examples grant, and the viewer set the guide's
	// UpdateDataSetPermissions example grants; ResourcePermission names
	// only users and groups as principals of data sets, and
	// DescribeDataSetPermissions answers at most 64. The model gives data
	// sets no status, so the kind is not Async.
	dataSetKind = &Kind{Type: "dataset", Noun: "Data set", ResourceType: ResourceDataSet,
		Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:CancelIngestion",
			"quicksight:CreateIngestion",
			"quicksight:DeleteDataSet",
			"quicksight:DescribeDataSet",
			"quicksight:DescribeDataSetPermissions",
			"quicksight:DescribeIngestion",
			"quicksight:ListIngestions",
			"quicksight:PassDataSet",
			"quicksight:UpdateDataSet",
			"quicksight:UpdateDataSetPermissions",
		},
		Viewer: []string{
			"quicksight:DescribeDataSet",
			"quicksight:DescribeDataSetPermissions",
			"quicksight:DescribeIngestion",
			"quicksight:ListIngestions",
			"quicksight:PassDataSet",
		},
		OwnerAction:          "quicksight:UpdateDataSetPermissions",
		NoNamespacePrincipal: true,
		MaxPrincipals:        64,
	}

	// dashboardKind: the owner set the developer guide's and Terraform's
	// dashboard examples grant, and the viewer set the guide's sharing
	// example grants. Every create and update makes a version, and one
	// version is published (dashboard.go); CreateDashboard and
	// UpdateDashboard answer CREATION_IN_PROGRESS (Async).
	dashboardKind = &Kind{Type: "dashboard", Noun: "Dashboard", Asset: true, Taggable: true,
		Owner: []string{
			"quicksight:DeleteDashboard",
			"quicksight:DescribeDashboard",
			"quicksight:DescribeDashboardPermissions",
			"quicksight:ListDashboardVersions",
			"quicksight:QueryDashboard",
			"quicksight:UpdateDashboard",
			"quicksight:UpdateDashboardPermissions",
			"quicksight:UpdateDashboardPublishedVersion",
		},
		Viewer: []string{
			"quicksight:DescribeDashboard",
			"quicksight:ListDashboardVersions",
			"quicksight:QueryDashboard",
		},
		OwnerAction:   "quicksight:UpdateDashboardPermissions",
		MaxPrincipals: maxPrincipals,
		Versioned:     true,
		Async:         true,
		LinkSharing:   true,
	}
)

// maxPrincipals is how many principals may hold permissions on one asset:
// the model's UpdateResourcePermissionList, which carries the whole set in
// every answer, holds at most 100.
const maxPrincipals = 100

// allKinds lists the table; kinds finds a kind by its ARN resource type.
var (
	allKinds = []*Kind{userKind, groupKind, namespaceKind, profileKind, analysisKind, flowKind, themeKind, dataSourceKind, folderKind, templateKind, dataSetKind, dashboardKind}
	kinds    = map[string]*Kind{}
)

func init() {
	// Set here rather than in the table: the lookups reach the kinds
	// themselves, which a package-level initializer may not.
	userKind.lookup = func(ctx context.Context, tx Tx, r Ref, _ time.Time) error {
		_, err := lookupUser(ctx, tx, r.Account, r.Namespace, r.Name)
		return err
	}
	groupKind.lookup = func(ctx context.Context, tx Tx, r Ref, _ time.Time) error {
		_, err := lookupGroup(ctx, tx, r.Account, r.Namespace, r.Name)
		return err
	}
	namespaceKind.lookup = func(ctx context.Context, tx Tx, r Ref, _ time.Time) error {
		return namespace(ctx, tx, r.Account, r.Name)
	}
	profileKind.lookup = func(ctx context.Context, tx Tx, r Ref, _ time.Time) error {
		return profile(ctx, tx, r.Account, r.Name)
	}
	for _, k := range allKinds {
		if k.Asset {
			k.lookup = func(ctx context.Context, tx Tx, r Ref, now time.Time) error {
				_, err := lookupAsset(ctx, tx, r, now)
				return err
			}
		}
		kinds[k.Type] = k
	}
}

// Ref names one resource of some kind: what an ARN names, without its
// partition and region (qslocal answers to an ARN of any region, so a
// resource has one ARN per region).
type Ref struct {
	Account string
	// Kind is nil for a resource type qslocal does not have.
	Kind *Kind
	// Namespace is set for namespaced kinds (users and groups).
	Namespace string
	// Name is the resource's name or id: what follows the type, or the
	// namespace.
	Name string
}

// ref names a resource of kind k in account.
func (k *Kind) ref(account, name string) Ref { return Ref{Account: account, Kind: k, Name: name} }

// userResource, groupResource, namespaceResource and profileResource name
// identity resources as the store's tags and grants do: by the resource
// part of their ARNs.
func userResource(namespace, name string) string {
	return Ref{Kind: userKind, Namespace: namespace, Name: name}.Resource()
}

func groupResource(namespace, name string) string {
	return Ref{Kind: groupKind, Namespace: namespace, Name: name}.Resource()
}

func namespaceResource(name string) string { return namespaceKind.ref("", name).Resource() }

func profileResource(name string) string { return profileKind.ref("", name).Resource() }

// Resource is the ARN's resource part, the key the store keeps tags and
// grants under: "analysis/abc", "user/default/alice".
func (r Ref) Resource() string {
	if r.Kind.Namespaced {
		return r.Kind.Type + "/" + r.Namespace + "/" + r.Name
	}
	return r.Kind.Type + "/" + r.Name
}

// linkResource is the key of an asset's link grants: "#" is in no id.
func (r Ref) linkResource() string { return r.Resource() + "#link" }

// ARN is the resource's ARN in region.
func (r Ref) ARN(region string) string { return quickSightARN(region, r.Account, r.Resource()) }

// exists checks within tx that the resource is there, with an error naming
// what is missing.
func (r Ref) exists(ctx context.Context, tx Tx, now time.Time) error {
	if r.Kind == nil {
		return errorf(CodeResourceNotFound, "", "No resource %s in account %s.", r.Name, r.Account)
	}
	return r.Kind.lookup(ctx, tx, r, now)
}

// refAt reads a store key (an ARN resource part) back into a Ref, without
// checking its form.
func refAt(account, resource string) Ref {
	typ, rest, _ := strings.Cut(resource, "/")
	r := Ref{Account: account, Kind: kinds[typ], Name: rest}
	if r.Kind == nil {
		r.Name = resource // for messages
	} else if r.Kind.Namespaced {
		// Namespace names cannot hold "/", so the first "/" ends it; the
		// rest is the name, which may hold "/" itself.
		r.Namespace, r.Name, _ = strings.Cut(rest, "/")
	}
	return r
}

var accountID = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID tells whether s has the shape of an AWS account id: 12 digits.
func IsAccountID(s string) bool { return accountID.MatchString(s) }

// parseRef reads an ARN naming a QuickSight resource; field names the
// member in errors. The account comes from the ARN. An ARN that is not a
// QuickSight ARN of a well-formed resource is InvalidParameterValue; one of
// a type qslocal does not have comes back with a nil Kind.
func parseRef(field, s string) (Ref, error) {
	a, err := ParseARN(s)
	if err != nil {
		return Ref{}, invalidParameter("%s %q is not an ARN.", field, s)
	}
	if a.Service != "quicksight" {
		return Ref{}, invalidParameter("%s %q is not a QuickSight ARN.", field, s)
	}
	if !IsAccountID(a.Account) {
		return Ref{}, invalidParameter("%s %q does not name a 12-digit AWS account.", field, s)
	}
	typ, rest, ok := strings.Cut(a.Resource, "/")
	if !ok || typ == "" || rest == "" {
		return Ref{}, invalidParameter("%s %q does not name a resource (want TYPE/ID after the account).", field, s)
	}
	r := refAt(a.Account, a.Resource)
	switch {
	case r.Kind == nil:
	case r.Kind.Namespaced:
		if r.Namespace == "" || r.Name == "" {
			return Ref{}, invalidParameter("%s %q: a %s ARN ends in %s/NAMESPACE/NAME.", field, s, typ, typ)
		}
	case strings.Contains(rest, "/"):
		return Ref{}, invalidParameter("%s %q: a %s ARN ends in %s/NAME, and the name has no \"/\".", field, s, typ, typ)
	}
	return r, nil
}
