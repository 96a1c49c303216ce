package qslocal

import (
	"context"
	"maps"
	"slices"
)

// The access explorer answers "who can see what" both ways: every asset a
// user reaches, and every user who reaches an asset, with the routes each
// takes. It follows grants as the implicit ownership filters of searches
// do (holder, searchAssets): grants to the user, to its groups and to its
// namespace, on the asset itself and on the folders holding it and their
// ancestors; a folder's owners own what it holds and its other grantees
// view it. Deleted assets are reached by no one. Link sharing and account
// roots reach no user of the account, as in searches.

// Route kinds: how a grant reaches a user.
const (
	ViaUser      = "user"      // a grant to the user itself
	ViaGroup     = "group"     // a grant to one of the user's groups
	ViaNamespace = "namespace" // a grant to the user's namespace
	ViaFolder    = "folder"    // a grant on a folder holding the asset, or above one
)

// AccessRoute is one way a user reaches an asset: one grant.
type AccessRoute struct {
	// Via is ViaUser, ViaGroup, ViaNamespace or ViaFolder.
	Via string `json:"Via"`
	// Principal is the ARN of the principal holding the grant: the user,
	// one of its groups or its namespace.
	Principal string `json:"Principal"`
	// Folder is the ARN of the folder the grant is on, when Via is
	// ViaFolder.
	Folder string `json:"Folder,omitempty"`
	// Actions are the grant's actions: on the asset, or on the folder.
	Actions []string `json:"Actions"`
	// Owner: the grant makes the user an owner of the asset (it holds the
	// kind's OwnerAction, or the folder kind's on a folder).
	Owner bool `json:"Owner"`
}

// AssetReach is an asset a user reaches.
type AssetReach struct {
	// Kind is the asset's ARN resource type: "analysis", "dashboard", ...
	Kind   string        `json:"Kind"`
	ID     string        `json:"Id"`
	ARN    string        `json:"Arn"`
	Name   string        `json:"Name"`
	Routes []AccessRoute `json:"Routes"`
}

// UserReach is a user who reaches an asset.
type UserReach struct {
	Namespace string        `json:"Namespace"`
	UserName  string        `json:"UserName"`
	ARN       string        `json:"Arn"`
	Routes    []AccessRoute `json:"Routes"`
}

// reach is the grants that reach an asset: its own and those on the
// folders holding it and above them, in the order routes are answered.
type reach struct {
	kind    *Kind
	own     []Grant
	folders []string           // ids, as folderTree.above has them
	onThem  map[string][]Grant // folder id -> its grants
}

func reachOf(k *Kind, own []Grant, res string, t folderTree) reach {
	return reach{kind: k, own: own, folders: t.above[res], onThem: t.grants}
}

// routes lists the grants that reach the holder of keys (holder.principals).
func (s *Service) routes(ctx context.Context, account string, r reach, keys map[string]bool) []AccessRoute {
	var out []AccessRoute
	for _, g := range r.own {
		if keys[g.Principal] {
			// The principal's type names the route: ViaUser, ViaGroup or ViaNamespace.
			out = append(out, AccessRoute{Via: refAt(account, g.Principal).Kind.Type, Principal: s.principalARN(ctx, account, g.Principal),
				Actions: slices.Clone(g.Actions), Owner: slices.Contains(g.Actions, r.kind.OwnerAction)})
		}
	}
	for _, f := range r.folders {
		for _, g := range r.onThem[f] {
			if keys[g.Principal] {
				out = append(out, AccessRoute{Via: ViaFolder, Principal: s.principalARN(ctx, account, g.Principal),
					Folder: FolderARN(s.regionOf(ctx), account, f), Actions: slices.Clone(g.Actions),
					Owner: slices.Contains(g.Actions, folderKind.OwnerAction)})
			}
		}
	}
	return out
}

// principals is every principal key holding a grant of the reach.
func (r reach) principals() []string {
	seen := map[string]bool{}
	for _, g := range r.own {
		seen[g.Principal] = true
	}
	for _, f := range r.folders {
		for _, g := range r.onThem[f] {
			seen[g.Principal] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// UserARN is a user's ARN as the explorer writes it: in the account's
// identity region once the call has read it (see identityRegion).
func (s *Service) UserARN(ctx context.Context, account, namespace, userName string) string {
	return s.principalARN(ctx, account, userResource(namespace, userName))
}

// UserAccess lists every live asset the user reaches, kind by kind in the
// kind table's order, each kind in id order. The user must exist
// (ResourceNotFoundException). It reads every asset's grants, as searches
// do: the cost grows with the account's assets.
func (s *Service) UserAccess(ctx context.Context, account, namespace, userName string) ([]AssetReach, error) {
	h := holder{key: userResource(namespace, userName), implicit: true}
	region := s.regionOf(ctx)
	var out []AssetReach
	err := s.view(ctx, account, func(tx Tx) error {
		out = nil // view may run fn twice
		keys, err := h.principals(ctx, tx, account)
		if err != nil {
			return err
		}
		tree, err := readFolderTree(ctx, tx, account)
		if err != nil {
			return err
		}
		for _, k := range allKinds {
			if !k.Asset {
				continue
			}
			err := eachAsset(ctx, tx, k, account, func(a Asset) error {
				if a.deleted() {
					return nil
				}
				r := k.ref(account, a.ID)
				own, err := tx.Grants(ctx, account, r.Resource())
				if err != nil {
					return err
				}
				if routes := s.routes(ctx, account, reachOf(k, own, r.Resource(), tree), keys); len(routes) > 0 {
					out = append(out, AssetReach{Kind: k.Type, ID: a.ID, ARN: r.ARN(region), Name: a.Name, Routes: routes})
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// AssetAccess lists the users who reach an asset, named by its ARN, in
// order of namespace then user name, a page at a time: after is the next
// token of the page before ("" for the first), limit how many users a page
// holds at most (0 or over 100: 100). The asset must be of the account
// (InvalidParameterValueException) and exist (ResourceNotFoundException);
// a deleted one is reached by no one. A grant to a namespace reaches every
// user of it, so a page reads users in name order from where the last one
// ended: its cost grows with its size and the asset's grants, not with the
// users before it.
func (s *Service) AssetAccess(ctx context.Context, account, asset, after string, limit int) ([]UserReach, string, error) {
	r, err := parseRef("Arn", asset)
	if err != nil {
		return nil, "", err
	}
	if r.Kind == nil || !r.Kind.Asset {
		return nil, "", invalidParameter("Arn %q does not name an asset (an analysis, a dashboard, a folder, ...).", asset)
	}
	if r.Account != account {
		return nil, "", invalidParameter("Arn %q belongs to account %s, not %s.", asset, r.Account, account)
	}
	if limit <= 0 || limit > defaultPageSize {
		limit = defaultPageSize
	}
	size := int32(limit)
	var next *string
	if after != "" {
		next = &after
	}
	now := s.now()
	l := listing{account: account, kind: "assetaccess", scope: account + "/" + r.Resource()}
	rows, token, err := listPage(ctx, s, l, next, &size, func(tx Tx, after string, limit int) ([]UserReach, error) {
		a, err := lookupAsset(ctx, tx, r, now)
		if err != nil || a.deleted() {
			return nil, err
		}
		own, err := tx.Grants(ctx, account, r.Resource())
		if err != nil {
			return nil, err
		}
		tree, err := readFolderTree(ctx, tx, account)
		if err != nil {
			return nil, err
		}
		return s.reachers(ctx, tx, account, reachOf(r.Kind, own, r.Resource(), tree), after, limit)
	}, func(u UserReach) string { return userResource(u.Namespace, u.UserName) })
	if err != nil {
		return nil, "", err
	}
	return rows, str(token), nil
}

// reachers answers up to limit users the reach reaches, after the one whose
// key ("user/NS/NAME") is after, namespace by namespace.
func (s *Service) reachers(ctx context.Context, tx Tx, account string, r reach, after string, limit int) ([]UserReach, error) {
	afterNS, afterName := "", ""
	if after != "" {
		a := refAt(account, after)
		afterNS, afterName = a.Namespace, a.Name
	}
	// What the grants name, by namespace.
	type granted struct {
		users     map[string]bool
		groups    []string
		namespace bool
	}
	byNS := map[string]*granted{}
	for _, key := range r.principals() {
		p := refAt(account, key)
		if p.Kind == nil { // an account root: no user of this account
			continue
		}
		ns := p.Namespace
		if p.Kind == namespaceKind {
			ns = p.Name
		}
		g := byNS[ns]
		if g == nil {
			g = &granted{users: map[string]bool{}}
			byNS[ns] = g
		}
		switch p.Kind {
		case userKind:
			g.users[p.Name] = true
		case groupKind:
			g.groups = append(g.groups, p.Name)
		case namespaceKind:
			g.namespace = true
		}
	}
	var out []UserReach
	for _, ns := range slices.Sorted(maps.Keys(byNS)) {
		if len(out) == limit {
			break
		}
		if ns < afterNS {
			continue
		}
		from := ""
		if ns == afterNS {
			from = afterName
		}
		g, need := byNS[ns], limit-len(out)
		// member[name] holds the granted groups the user belongs to, known
		// for every name a page of each group's members covers.
		member := map[string][]string{}
		var names []string
		if g.namespace {
			users, err := tx.ListUsers(ctx, account, ns, from, need)
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				names = append(names, u.Name)
			}
		} else {
			// The first need names of the union of the users granted and
			// each group's members: a group's page of need names covers
			// every name of the union's first need.
			union := map[string]bool{}
			for u := range g.users {
				if u > from {
					union[u] = true
				}
			}
			for _, grp := range g.groups {
				members, err := tx.ListGroupMembers(ctx, account, ns, grp, from, need)
				if err != nil {
					return nil, err
				}
				for _, m := range members {
					union[m] = true
					member[m] = append(member[m], grp)
				}
			}
			names = slices.Sorted(maps.Keys(union))
			names = names[:min(need, len(names))]
		}
		for _, name := range names {
			keys := map[string]bool{userResource(ns, name): true, namespaceResource(ns): true}
			groups := member[name]
			if g.namespace && len(g.groups) > 0 {
				granted := map[string]bool{}
				for _, grp := range g.groups {
					granted[grp] = true
				}
				err := eachUserGroup(ctx, tx, account, ns, name, func(gr Group) {
					if granted[gr.Name] {
						groups = append(groups, gr.Name)
					}
				})
				if err != nil {
					return nil, err
				}
			}
			for _, grp := range groups {
				keys[groupResource(ns, grp)] = true
			}
			out = append(out, UserReach{Namespace: ns, UserName: name,
				ARN: s.principalARN(ctx, account, userResource(ns, name)), Routes: s.routes(ctx, account, r, keys)})
		}
	}
	return out, nil
}
