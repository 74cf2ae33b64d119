package org.membership.examples.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/** What the audit-log consumer has recorded, in order. Thread-safe. */
@Component
public class AuditLog {
    private final List<String> entries = new CopyOnWriteArrayList<>();

    /** Made by Spring. */
    public AuditLog() {}

    /** @param entry one event, as the consumer saw it */
    public void record(String entry) {
        entries.add(entry);
    }

    /** @return every entry so far */
    public List<String> entries() {
        return List.copyOf(entries);
    }
}
