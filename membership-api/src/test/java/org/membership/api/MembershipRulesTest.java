package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules a host configures: which presets protect organization admins, and what the builder refuses. */
final class MembershipRulesTest {

    // ---- organization admin removal -----------------------------------------------------------

    @Test
    void anthropicAdmin_protectsOrganizationAdmins() {
        assertEquals(OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY, Presets.anthropicAdmin().organizationAdminRemoval());
    }

    @Test
    void otherPresets_letOutrankingAloneDecide() {
        for (MembershipRules rules : List.of(MembershipRules.defaults(), Presets.flashback(),
                Presets.paradigmCompany(), Presets.paradigmInstance(), Presets.factory())) {
            assertEquals(OrganizationAdminRemoval.BY_ORGANIZATION_ADMINS, rules.organizationAdminRemoval());
        }
    }

    @Test
    void builder_setsOrganizationAdminRemoval_andKeepsTheRest() {
        MembershipRules protectedAdmins = Presets.factory().toBuilder()
                .organizationAdminRemoval(OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY).build();
        assertEquals(OrganizationAdminRemoval.BY_INSTANCE_ADMINS_ONLY, protectedAdmins.organizationAdminRemoval());
        assertEquals(Presets.factory().selfRemoval(), protectedAdmins.selfRemoval());
        assertEquals(Presets.factory().requiredAuthority(), protectedAdmins.requiredAuthority());
        assertEquals(Presets.factory(), protectedAdmins.toBuilder()
                .organizationAdminRemoval(OrganizationAdminRemoval.BY_ORGANIZATION_ADMINS).build());
    }

    @Test
    void missingOrganizationAdminRemoval_isRefusedNamingTheField() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> MembershipRules.defaults().toBuilder().organizationAdminRemoval(null).build());
        assertEquals("organization_admin_removal", e.field());
    }

    @Test
    void protectedReason_isAForbiddenRefusal() {
        Refusal refusal = Refusal.of(Reason.ORGANIZATION_ADMIN_PROTECTED);
        assertEquals(403, refusal.status());
        assertEquals("organization_admin_protected", refusal.code());
        assertEquals("Forbidden", refusal.toProblemDetails().title());
    }
}
