package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package's rule for nulls (see its documentation): the types the library hands back throw
 * NullPointerException for a null argument, the values a host builds from input refuse it naming the
 * field. Walks every record of the sealed types, so a new one cannot forget.
 */
final class NullHandlingTest {

    @Test
    void handedBackTypes_refuseNull_withNullPointerException() throws Exception {
        List<Class<?>> records = new ArrayList<>();
        for (Class<?> sealed : List.of(MembershipEvent.class, AuditDetail.class, OrganizationUserRemoval.class,
                Outcome.class, Decision.class)) {
            records.addAll(List.of(sealed.getPermittedSubclasses()));
        }
        records.addAll(List.of(WorkspaceAuthority.class, Refusal.class, Page.class, FeedEvent.class, ConsumerStatus.class,
                ParkedEvent.class, ProblemDetails.class));
        for (Class<?> type : records) {
            RecordComponent[] components = type.getRecordComponents();
            if (components.length == 0) {
                continue;
            }
            Throwable thrown = construct(type, components);
            assertInstanceOf(NullPointerException.class, thrown, type.getSimpleName() + " with null arguments");
        }
    }

    @Test
    void inputValues_refuseNull_namingTheField() throws Exception {
        for (Class<?> type : List.of(UserId.class, OrganizationId.class, WorkspaceId.class, InvitationId.class, Email.class,
                User.class, PageRequest.class, Command.RemoveWorkspaceMember.class, Command.RegisterUser.class,
                Organization.class, Invitation.class, AuditEntry.class)) {
            Throwable thrown = construct(type, type.getRecordComponents());
            InvalidInputException e = assertInstanceOf(InvalidInputException.class, thrown, type.getSimpleName());
            assertTrue(e.getMessage().contains(e.field()), e.getMessage());
        }
    }

    private static Throwable construct(Class<?> type, RecordComponent[] components) throws Exception {
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = types[i] == long.class ? 1L : types[i] == int.class ? (Object) 1 : types[i] == boolean.class ? false : null;
        }
        Constructor<?> canonical = type.getDeclaredConstructor(types);
        canonical.setAccessible(true);
        try {
            canonical.newInstance(args);
            return null;
        } catch (InvocationTargetException e) {
            return e.getCause();
        }
    }
}
