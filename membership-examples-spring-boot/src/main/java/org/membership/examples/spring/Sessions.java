package org.membership.examples.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.membership.api.MembershipEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The host's sessions: a removal, published as an application event once its transaction has
 * committed, ends the removed user's sessions in that workspace at once. Thread-safe.
 */
@Component
public class Sessions {
    private final List<String> revoked = new CopyOnWriteArrayList<>();

    /** Made by Spring. */
    public Sessions() {}

    /** @param removed a committed removal */
    @EventListener
    public void on(MembershipEvent.WorkspaceMemberRemoved removed) {
        revoked.add(removed.user().value() + " in " + removed.workspace().value());
    }

    /** @return whose sessions were revoked, where */
    public List<String> revoked() {
        return List.copyOf(revoked);
    }
}
