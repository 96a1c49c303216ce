// Package storetest is the conformance suite every qslocal.Store must pass.
//
// The tests of each store interface are in a file of their own (users.go
// for qslocal.Users, assets.go for qslocal.Assets, ...), with the cascades
// its deletes cause; store.go tests the Store itself: transactions,
// snapshots, concurrency, the secret. helpers.go holds what they share.
//
// Stores keep times in UTC with at least microsecond precision: the suite
// compares times after truncating them to microseconds.
package storetest

import (
	"testing"

	"github.com/qslocal/qslocal"
)

// Run runs the suite. open must return a fresh, empty store on every call;
// Run calls it once per parallel subtest and closes the store afterwards.
// The subtests' names are stable: stores may refer to them.
func Run(t *testing.T, open func(t *testing.T) qslocal.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s qslocal.Store)
	}{
		// store.go
		{"UpdateRollsBack", testUpdateRollsBack},
		{"UpdatePanicRollsBack", testUpdatePanicRollsBack},
		{"ViewIsReadOnly", testViewIsReadOnly},
		{"ViewRefusesNewWrites", testViewRefusesNewWrites},
		{"ViewSnapshot", testViewSnapshot},
		{"Secret", testSecret},
		{"ConcurrentCreates", testConcurrentCreates},
		{"ConcurrentConflicts", testConcurrentConflicts},
		{"ConcurrentWritersAlone", testConcurrentWritersAlone},
		{"CancelledContext", testCancelledContext},

		// accounts.go
		{"EnsureAccount", testEnsureAccount},
		{"EnsureAccountRegion", testEnsureAccountRegion},
		{"UpdateAccount", testUpdateAccount},
		{"ListAccounts", testListAccounts},
		{"DeleteAccount", testDeleteAccount},

		// namespaces.go
		{"CreateNamespace", testCreateNamespace},
		{"ListNamespaces", testListNamespaces},
		{"DeleteNamespace", testDeleteNamespace},
		{"DeleteNamespaceCascade", testDeleteNamespaceCascade},

		// users.go
		{"UserRoundTrip", testUserRoundTrip},
		{"UserKeysAreCaseSensitive", testUserKeysAreCaseSensitive},
		{"CreateUserConflicts", testCreateUserConflicts},
		{"UpdateUser", testUpdateUser},
		{"DeleteUser", testDeleteUser},
		{"ListUsers", testListUsers},
		{"ListUsersEmpty", testListUsersEmpty},
		{"CountUsers", testCountUsers},
		{"DeleteUserCascade", testDeleteUserCascade},

		// groups.go
		{"GroupRoundTrip", testGroupRoundTrip},
		{"CreateGroupConflicts", testCreateGroupConflicts},
		{"UpdateGroup", testUpdateGroup},
		{"ListGroups", testListGroups},
		{"GroupMembers", testGroupMembers},
		{"ListUserGroups", testListUserGroups},
		{"RoleMembers", testRoleMembers},
		{"DeleteGroupCascade", testDeleteGroupCascade},

		// profiles.go
		{"CustomPermissionsRoundTrip", testCustomPermissionsRoundTrip},
		{"UpdateCustomPermissions", testUpdateCustomPermissions},
		{"DeleteCustomPermissions", testDeleteCustomPermissions},
		{"ListCustomPermissions", testListCustomPermissions},
		{"AccountCustomPermission", testAccountCustomPermission},
		{"RoleCustomPermission", testRoleCustomPermission},
		{"ProfileUses", testProfileUses},

		// tags.go
		{"Tags", testTags},
		{"ClearTags", testClearTags},

		// grants.go
		{"Grants", testGrants},
		{"ClearGrants", testClearGrants},
		{"DropPrincipal", testDropPrincipal},
		{"DropPrincipalPrefix", testDropPrincipalPrefix},
		{"GrantsRollBack", testGrantsRollBack},
		{"ConcurrentGrants", testConcurrentGrants},

		// assets.go
		{"AssetRoundTrip", testAssetRoundTrip},
		{"CreateAssetConflicts", testCreateAssetConflicts},
		{"UpdateAsset", testUpdateAsset},
		{"DeleteAsset", testDeleteAsset},
		{"ListAssets", testListAssets},
		{"AssetKinds", testAssetKinds},
		{"AssetVersions", testAssetVersions},
		{"AssetLinks", testAssetLinks},
		{"DeleteAssetCascade", testDeleteAssetCascade},
		{"AssetErrorsKeepTransaction", testAssetErrorsKeepTransaction},

		// upgrades.go
		{"UpgradeRequestRoundTrip", testUpgradeRequestRoundTrip},
		{"CreateUpgradeRequestConflicts", testCreateUpgradeRequestConflicts},
		{"UpdateUpgradeRequest", testUpdateUpgradeRequest},
		{"ListUpgradeRequests", testListUpgradeRequests},
		{"SelfUpgradeStatus", testSelfUpgradeStatus},
		{"UpgradeErrorsKeepTransaction", testUpgradeErrorsKeepTransaction},

		// assignments.go
		{"AssignmentRoundTrip", testAssignmentRoundTrip},
		{"CreateAssignmentConflicts", testCreateAssignmentConflicts},
		{"UpdateAssignment", testUpdateAssignment},
		{"DeleteAssignment", testDeleteAssignment},
		{"ListAssignments", testListAssignments},
		{"ListUserAssignments", testListUserAssignments},
		{"AssignmentErrorsKeepTransaction", testAssignmentErrorsKeepTransaction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}
