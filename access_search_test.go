package qslocal_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/qslocal/qslocal"
	"github.com/qslocal/qslocal/api"
)

// genKind is an asset kind of the generated account: how to make one with
// grants and folders, and how its search answers an ownership filter.
type genKind struct {
	typ            string
	viewer, owner  string // the viewer action; owner adds the kind's owner action
	namespaces     bool   // a namespace may hold grants
	namespaceOwner bool   // ... owner grants too
	foldered       bool   // folders may hold it
	implicit       bool   // its search has QUICKSIGHT_VIEWER_OR_OWNER and QUICKSIGHT_OWNER
	create         func(w *folderWorld, id string, folders []string, perms []api.ResourcePermission) (string, error)
	search         func(w *folderWorld, filter, principal string) []string // ids, nil when it has no search
}

// generated is a generated account: who is in it and which assets.
type generated struct {
	users  []string            // "ns/name"
	groups map[string][]string // "ns/name" -> the groups ("ns/group") of each user
	assets []string            // ARNs of every asset made, deleted ones too
}

// searchIDs pages through a search until it ends.
func searchIDs[T any](w *folderWorld, what string, call func(next *string) ([]T, *string, error), id func(T) string) []string {
	w.t.Helper()
	var out []string
	var next *string
	for {
		page, n, err := call(next)
		w.must(what, err)
		for _, x := range page {
			out = append(out, id(x))
		}
		if next = n; next == nil {
			return out
		}
	}
}

var genKinds = []genKind{
	{typ: "analysis", viewer: "quicksight:DescribeAnalysis", owner: "quicksight:UpdateAnalysisPermissions", namespaces: true, namespaceOwner: true, foldered: true, implicit: true,
		create: func(w *folderWorld, id string, folders []string, perms []api.ResourcePermission) (string, error) {
			return id, w.analysis(id, folders, perms...)
		},
		search: func(w *folderWorld, filter, who string) []string {
			return searchIDs(w, "SearchAnalyses", func(next *string) ([]api.AnalysisSummary, *string, error) {
				out, err := w.svc.SearchAnalyses(w.ctx, &api.SearchAnalysesRequest{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
					Filters: []api.AnalysisSearchFilter{{Name: ptrTo(api.AnalysisFilterAttribute(filter)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
				if err != nil {
					return nil, nil, err
				}
				return out.AnalysisSummaryList, out.NextToken, nil
			}, func(a api.AnalysisSummary) string { return *a.AnalysisId })
		}},
	{typ: "dashboard", viewer: "quicksight:DescribeDashboard", owner: "quicksight:UpdateDashboardPermissions", namespaces: true, namespaceOwner: true, foldered: true, implicit: true,
		create: func(w *folderWorld, id string, folders []string, perms []api.ResourcePermission) (string, error) {
			_, err := w.svc.CreateDashboard(w.ctx, &api.CreateDashboardRequest{AwsAccountId: s(acct), DashboardId: s(id), Name: s(id),
				Definition: &api.DashboardVersionDefinition{}, FolderArns: folders, Permissions: perms})
			return id, err
		},
		search: func(w *folderWorld, filter, who string) []string {
			return searchIDs(w, "SearchDashboards", func(next *string) ([]api.DashboardSummary, *string, error) {
				out, err := w.svc.SearchDashboards(w.ctx, &api.SearchDashboardsRequest{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
					Filters: []api.DashboardSearchFilter{{Name: ptrTo(api.DashboardFilterAttribute(filter)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
				if err != nil {
					return nil, nil, err
				}
				return out.DashboardSummaryList, out.NextToken, nil
			}, func(d api.DashboardSummary) string { return *d.DashboardId })
		}},
	{typ: "datasource", viewer: "quicksight:DescribeDataSource", owner: "quicksight:UpdateDataSourcePermissions", foldered: true,
		create: func(w *folderWorld, id string, folders []string, perms []api.ResourcePermission) (string, error) {
			return id, w.dataSource(id, folders, perms...)
		},
		search: func(w *folderWorld, filter, who string) []string {
			return searchIDs(w, "SearchDataSources", func(next *string) ([]api.DataSourceSummary, *string, error) {
				out, err := w.svc.SearchDataSources(w.ctx, &api.SearchDataSourcesRequest{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
					Filters: []api.DataSourceSearchFilter{{Name: ptrTo(api.DataSourceFilterAttribute(filter)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
				if err != nil {
					return nil, nil, err
				}
				return out.DataSourceSummaries, out.NextToken, nil
			}, func(d api.DataSourceSummary) string { return *d.DataSourceId })
		}},
	{typ: "dataset", viewer: "quicksight:DescribeDataSet", owner: "quicksight:UpdateDataSetPermissions", foldered: true, implicit: true,
		create: func(w *folderWorld, id string, folders []string, perms []api.ResourcePermission) (string, error) {
			return id, w.dataSet(id, "src", folders, perms...)
		},
		search: func(w *folderWorld, filter, who string) []string {
			return searchIDs(w, "SearchDataSets", func(next *string) ([]api.DataSetSummary, *string, error) {
				out, err := w.svc.SearchDataSets(w.ctx, &api.SearchDataSetsRequest{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
					Filters: []api.DataSetSearchFilter{{Name: ptrTo(api.DataSetFilterAttribute(filter)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
				if err != nil {
					return nil, nil, err
				}
				return out.DataSetSummaries, out.NextToken, nil
			}, func(d api.DataSetSummary) string { return *d.DataSetId })
		}},
	{typ: "flow", viewer: "quicksight:GetFlow", owner: "quicksight:UpdateFlowPermissions", namespaces: true,
		create: func(w *folderWorld, id string, _ []string, perms []api.ResourcePermission) (string, error) {
			ps := make([]api.Permission, len(perms))
			for i, p := range perms {
				ps[i] = api.Permission{Principal: p.Principal, Actions: p.Actions}
			}
			out, err := w.svc.CreateFlow(w.ctx, &api.CreateFlowRequest{AwsAccountId: s(acct), Name: s(id), FlowDefinition: []byte(`{}`), Permissions: ps})
			if err != nil {
				return "", err
			}
			return *out.FlowId, nil
		},
		search: func(w *folderWorld, filter, who string) []string {
			return searchIDs(w, "SearchFlows", func(next *string) ([]api.FlowSummary, *string, error) {
				out, err := w.svc.SearchFlows(w.ctx, &api.SearchFlowsInput{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
					Filters: []api.SearchFlowsFilter{{Name: ptrTo(api.FieldName(filter)), Operator: ptrTo(api.SearchFilterOperatorStringEquals), Value: s(who)}}})
				if err != nil {
					return nil, nil, err
				}
				return out.FlowSummaryList, out.NextToken, nil
			}, func(f api.FlowSummary) string { return *f.FlowId })
		}},
	{typ: "theme", viewer: "quicksight:DescribeTheme", owner: "quicksight:UpdateThemePermissions", namespaces: true, namespaceOwner: true,
		create: func(w *folderWorld, id string, _ []string, perms []api.ResourcePermission) (string, error) {
			_, err := w.svc.CreateTheme(w.ctx, &api.CreateThemeRequest{AwsAccountId: s(acct), ThemeId: s(id), Name: s(id), BaseThemeId: s("CLASSIC"),
				Configuration: &api.ThemeConfiguration{}, Permissions: perms})
			return id, err
		}},
}

// folderSearch answers SearchFolders for an ownership filter.
func folderSearch(w *folderWorld, filter, who string) []string {
	return searchIDs(w, "SearchFolders", func(next *string) ([]api.FolderSummary, *string, error) {
		out, err := w.svc.SearchFolders(w.ctx, &api.SearchFoldersRequest{AwsAccountId: s(acct), NextToken: next, MaxResults: ptrTo(int32(5)),
			Filters: []api.FolderSearchFilter{{Name: ptrTo(api.FolderFilterAttribute(filter)), Operator: ptrTo(api.FilterOperatorStringEquals), Value: s(who)}}})
		if err != nil {
			return nil, nil, err
		}
		return out.FolderSummaryList, out.NextToken, nil
	}, func(f api.FolderSummary) string { return *f.FolderId })
}

// generate makes an account of three namespaces, each with users and
// groups of random members, nested folders, and assets of every kind with
// random grants to users, groups and namespaces of any namespace, in
// random folders; some assets are deleted.
func generate(w *folderWorld, rng *rand.Rand) generated {
	g := generated{groups: map[string][]string{}}
	namespaces := []string{"default", "ns1", "ns2"}
	var principals []string
	for _, ns := range namespaces {
		if ns != "default" {
			w.namespace(ns)
		}
		principals = append(principals, reachARN("namespace/"+ns))
		var users []string
		for i := range 5 {
			u := fmt.Sprintf("u%d", i)
			w.userIn(ns, u)
			users = append(users, u)
			g.users = append(g.users, ns+"/"+u)
			principals = append(principals, reachARN("user/"+ns+"/"+u))
		}
		for i := range 3 {
			name := fmt.Sprintf("g%d", i)
			var members []string
			for _, u := range users {
				if rng.IntN(3) == 0 {
					members = append(members, u)
					g.groups[ns+"/"+u] = append(g.groups[ns+"/"+u], ns+"/"+name)
				}
			}
			w.group(ns, name, members...)
			principals = append(principals, reachARN("group/"+ns+"/"+name))
		}
	}
	grants := func(k genKind, most int) []api.ResourcePermission {
		var out []api.ResourcePermission
		for _, i := range rng.Perm(len(principals))[:rng.IntN(most+1)] {
			p := principals[i]
			ns := strings.Contains(p, ":namespace/")
			if ns && !k.namespaces {
				continue
			}
			actions := []string{k.viewer}
			if rng.IntN(3) == 0 && (!ns || k.namespaceOwner) {
				actions = append(actions, k.owner)
			}
			out = append(out, perm(p, actions...))
		}
		return out
	}
	folderKind := genKind{typ: "folder", viewer: "quicksight:DescribeFolder", owner: "quicksight:UpdateFolderPermissions", namespaces: true, namespaceOwner: true}
	var folders []string
	for i := range 7 {
		id, parent := fmt.Sprintf("f%d", i), ""
		if i > 0 && rng.IntN(4) != 0 {
			parent = folders[rng.IntN(len(folders))]
		}
		w.folder(id, parent, "", grants(folderKind, 2)...)
		folders = append(folders, id)
		g.assets = append(g.assets, reachARN("folder/"+id))
	}
	w.must("the data sets' source", w.dataSource("src", nil))
	g.assets = append(g.assets, reachARN("datasource/src"))
	for _, k := range genKinds {
		for i := range 8 {
			var in []string
			if k.foldered {
				for _, f := range rng.Perm(len(folders))[:rng.IntN(3)] {
					in = append(in, reachARN("folder/"+folders[f]))
				}
			}
			id, err := k.create(w, fmt.Sprintf("%s%d", k.typ, i), in, grants(k, 4))
			w.must("create "+k.typ, err)
			g.assets = append(g.assets, reachARN(k.typ+"/"+id))
		}
	}
	// Deleted analyses wait out their recovery window: no one reaches them.
	for _, id := range []string{"analysis1", "analysis5"} {
		_, err := w.svc.DeleteAnalysis(w.ctx, &api.DeleteAnalysisRequest{AwsAccountId: s(acct), AnalysisId: s(id)})
		w.must("DeleteAnalysis "+id, err)
	}
	return g
}

// The explorer's answers equal what the searches answer, on generated
// accounts: for every user and every kind with a search, the assets
// UserAccess finds are those QUICKSIGHT_VIEWER_OR_OWNER finds, those it
// finds an owner route to are those QUICKSIGHT_OWNER finds, and its routes
// to the user itself and to each of its groups are what the DIRECT_
// filters find for them. AssetAccess answers the inverse of UserAccess.
func TestAccessMatchesSearches(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			w := newFolderWorld(t)
			g := generate(w, rand.New(rand.NewPCG(seed, seed)))
			searches := append(slices.Clone(genKinds), genKind{typ: "folder", implicit: true, search: folderSearch})
			byUser := map[string][]string{} // asset ARN -> "ns/user: routes"
			total := 0
			for _, u := range g.users {
				ns, name, _ := strings.Cut(u, "/")
				assets, err := w.svc.UserAccess(w.ctx, acct, ns, name)
				w.must("UserAccess "+u, err)
				total += len(assets)
				// What each kind's filters should find, by the routes.
				found := map[string][]string{} // "kind filter principal" -> ids
				for _, a := range assets {
					byUser[a.ARN] = append(byUser[a.ARN], u+": "+routeText(a.Routes))
					add := func(filter, who string) {
						key := a.Kind + " " + filter + " " + who
						if !slices.Contains(found[key], a.ID) {
							found[key] = append(found[key], a.ID)
						}
					}
					add("QUICKSIGHT_VIEWER_OR_OWNER", "")
					for _, r := range a.Routes {
						if r.Owner {
							add("QUICKSIGHT_OWNER", "")
						}
						if r.Via == qslocal.ViaUser || r.Via == qslocal.ViaGroup {
							add("DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", r.Principal)
							if r.Owner {
								add("DIRECT_QUICKSIGHT_OWNER", r.Principal)
							}
						}
					}
				}
				for _, k := range searches {
					if k.search == nil {
						continue
					}
					check := func(filter, who string) {
						want := k.search(w, filter, who)
						key := filter + " " + who
						if strings.HasPrefix(filter, "QUICKSIGHT_") {
							key = filter + " "
						}
						got := found[k.typ+" "+key]
						slices.Sort(want)
						slices.Sort(got)
						if !slices.Equal(got, want) {
							t.Errorf("%s: %s %s %s finds %q; the explorer %q", u, k.typ, filter, short(who), want, got)
						}
					}
					if k.implicit {
						check("QUICKSIGHT_VIEWER_OR_OWNER", reachARN("user/"+u))
						check("QUICKSIGHT_OWNER", reachARN("user/"+u))
					}
					for _, p := range append([]string{"user/" + u}, prefixed("group/", g.groups[u])...) {
						check("DIRECT_QUICKSIGHT_VIEWER_OR_OWNER", reachARN(p))
						check("DIRECT_QUICKSIGHT_OWNER", reachARN(p))
					}
				}
			}
			if total == 0 {
				t.Fatal("the generated account shares nothing with anyone")
			}
			for _, arn := range g.assets {
				got, _ := assetAccess(t, w.svc, arn, 4)
				if want := byUser[arn]; !slices.Equal(got, want) {
					t.Errorf("AssetAccess %s: %s", short(arn), difference(got, want))
				}
			}
		})
	}
}

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
